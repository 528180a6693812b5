namespace Parley.Api.Status;

/// <summary>A LoRA adapter the worker is started with, and where it reads the adapter's files.</summary>
public sealed class AdapterStatus
{
    /// <summary>The model name clients select the adapter by.</summary>
    public string? Name { get; set; }

    /// <summary>The adapter's source as the spec gives it.</summary>
    public string? Source { get; set; }

    /// <summary>What the worker's <c>--lora-modules</c> entry points at: a folder in the worker pod, or a Hugging Face id
    /// the worker downloads into the model cache.</summary>
    public string? Path { get; set; }
}

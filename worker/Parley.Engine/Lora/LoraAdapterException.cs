namespace Parley.Engine.Lora;

/// <summary>An adapter cannot be served on this base model; the message says what to change.</summary>
public sealed class LoraAdapterException : Exception
{
    public LoraAdapterException()
    {
    }

    public LoraAdapterException(string message)
        : base(message)
    {
    }

    public LoraAdapterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

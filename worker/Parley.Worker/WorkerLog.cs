// Every log line the worker writes, as source-generated LoggerMessage methods (no formatting when the level is off).
using Microsoft.Extensions.Logging;

namespace Parley.Worker;

internal static partial class WorkerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model} from {Folder} on {Device}: {Architecture}, max_model_len {MaxModelLen}, {Blocks} KV blocks ({Tokens} tokens)")]
    public static partial void Serving(this ILogger logger, string model, string folder, string device, string architecture, int maxModelLen, int blocks, long tokens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "--max-model-len {MaxModelLen} exceeds the model's max_position_embeddings {Positions}; quality past it is not guaranteed")]
    public static partial void ContextBeyondTraining(this ILogger logger, int maxModelLen, int positions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for {ShareBytes} bytes of device memory: {FreeBytes} free (a neighbour still loading or not yet stopped); giving up after {TimeoutSeconds} s")]
    public static partial void WaitingForMemoryShare(this ILogger logger, long shareBytes, long freeBytes, int timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory share of {ShareBytes} bytes taken; {FreeBytes} were free")]
    public static partial void MemoryShareTaken(this ILogger logger, long shareBytes, long freeBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "No CUDA device ({Reason}); running on the CPU")]
    public static partial void NoCuda(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat template from {Origin}")]
    public static partial void ChatTemplateFrom(this ILogger logger, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason} Chat requests will be refused; completions work")]
    public static partial void NoChatTemplate(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not load {Model}: {Reason}")]
    public static partial void LoadFailed(this ILogger logger, string model, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "GPU out of memory while serving; exiting so the pod restarts with a smaller plan: {Reason}")]
    public static partial void OutOfGpuMemory(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void CudaWarning(this ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignoring request fields: {Fields}")]
    public static partial void UnknownFields(this ILogger logger, string fields);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Path} failed")]
    public static partial void RequestFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded LoRA adapter {Name} from {Path} (rank {Rank})")]
    public static partial void LoraAdapterLoaded(this ILogger logger, string name, string path, int rank);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed LoRA adapter {Name}")]
    public static partial void LoraAdapterRemoved(this ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Flag accepted without effect: {Reason}")]
    public static partial void FlagWithoutEffect(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "CPU products: {Kernels}; weights {WeightMemory}")]
    public static partial void CpuKernels(this ILogger logger, string kernels, string weightMemory);
}

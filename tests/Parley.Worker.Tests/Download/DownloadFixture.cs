// A temporary hub cache folder and the options tests download with: short retry delays so failures cost milliseconds.
using Parley.Worker.Download;

namespace Parley.Worker.Tests.Download;

internal sealed class DownloadFixture : IDisposable
{
    public string CacheDirectory { get; } = Directory.CreateTempSubdirectory("parley-hub-").FullName;

    public ListLogger Logger { get; } = new();

    public HubOptions Options(FakeHub hub, string? token = null) => new()
    {
        Endpoint = hub.Endpoint,
        CacheDirectory = CacheDirectory,
        Token = token,
        MaxAttemptCount = 4,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromSeconds(3),
        StallTimeout = TimeSpan.FromSeconds(5),
    };

    public Task<string> DownloadAsync(FakeHub hub, string model, string? token = null) =>
        HubDownloader.EnsureLocalAsync(ModelReference.Parse(model), Options(hub, token), Logger, CancellationToken.None);

    public void Dispose() => Directory.Delete(CacheDirectory, recursive: true);
}

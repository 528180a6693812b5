using System.Security.Cryptography;
using Parley.Worker.Download;

namespace Parley.Worker.Tests.Download;

public sealed class HubDownloaderResumeTests : IDisposable
{
    private const int DropAfterBytes = 100_000;

    private readonly DownloadFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task EnsureLocal_ConnectionDroppedMidFile_ResumesWithRangeAndMatchesSha256()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);
        hub.DropAfterBytes["model.safetensors"] = DropAfterBytes;

        var folder = await _fixture.DownloadAsync(hub, "acme/tiny");

        var weights = repo.Files["model.safetensors"];
        SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "model.safetensors"))).Should().Equal(SHA256.HashData(weights));
        var ranges = hub.Requests.Where(r => r.Path.StartsWith("/storage/") && r.Method == "GET").Select(r => r.Range).ToList();
        ranges.Should().HaveCount(2);
        ranges[0].Should().BeNull();
        // The abort may discard bytes still in the socket's buffers, so the resume point is at most what was sent.
        ranges[1].Should().MatchRegex("^bytes=[0-9]+-$");
        long.Parse(ranges[1]!["bytes=".Length..^1]).Should().BeInRange(1, DropAfterBytes);
    }

    [Fact]
    public async Task EnsureLocal_ServerIgnoresRange_DownloadsTheWholeFileAgain()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);
        hub.DropAfterBytes["model.safetensors"] = DropAfterBytes;
        hub.IgnoresRange = true;

        var folder = await _fixture.DownloadAsync(hub, "acme/tiny");

        File.ReadAllBytes(Path.Combine(folder, "model.safetensors")).Should().Equal(repo.Files["model.safetensors"]);
        _fixture.Logger.Lines.Should().Contain(line => line.Contains("ignored the range request"));
    }

    [Fact]
    public async Task EnsureLocal_PartialFileFromAnEarlierRun_IsResumed()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        var weights = repo.Files["model.safetensors"];
        var blobs = Directory.CreateDirectory(Path.Combine(_fixture.CacheDirectory, "models--acme--tiny", "blobs")).FullName;
        var sha = Convert.ToHexStringLower(SHA256.HashData(weights));
        File.WriteAllBytes(Path.Combine(blobs, sha + ".incomplete"), weights[..1234]);
        await using var hub = await FakeHub.StartAsync(repo);

        var folder = await _fixture.DownloadAsync(hub, "acme/tiny");

        File.ReadAllBytes(Path.Combine(folder, "model.safetensors")).Should().Equal(weights);
        hub.Requests.Single(r => r.Path.StartsWith("/storage/") && r.Method == "GET").Range.Should().Be("bytes=1234-");
    }

    [Fact]
    public async Task EnsureLocal_BlobAlreadyInCacheFromAnotherRevision_IsLinkedWithoutDownloading()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);
        var folder = await _fixture.DownloadAsync(hub, "acme/tiny");
        Directory.Delete(folder, recursive: true);
        hub.Requests.Clear();

        await _fixture.DownloadAsync(hub, "acme/tiny");

        hub.FileRequests.Should().OnlyContain(r => r.Method == "HEAD");
        File.ReadAllBytes(Path.Combine(folder, "model.safetensors")).Should().Equal(repo.Files["model.safetensors"]);
    }

    [Fact]
    public async Task EnsureLocal_BlobDeletedUnderTheSnapshotLink_IsDownloadedAgain()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);
        var folder = await _fixture.DownloadAsync(hub, "acme/tiny");
        File.Delete(new FileInfo(Path.Combine(folder, "model.safetensors")).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        hub.Requests.Clear();

        await _fixture.DownloadAsync(hub, "acme/tiny");

        File.ReadAllBytes(Path.Combine(folder, "model.safetensors")).Should().Equal(repo.Files["model.safetensors"]);
        hub.FileRequests.Should().Contain(r => r.Method == "GET" && r.Path.EndsWith("model.safetensors"));
    }

    [Fact]
    public async Task EnsureLocal_BlobLockedByAnotherDownloader_WaitsForItsRelease()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);
        var sha = Convert.ToHexStringLower(SHA256.HashData(repo.Files["model.safetensors"]));
        var lockPath = Path.Combine(_fixture.CacheDirectory, ".locks", "models--acme--tiny", sha + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var held = new FileStream(lockPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None);

        var download = _fixture.DownloadAsync(hub, "acme/tiny");
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        var storageGetsWhileLocked = hub.Requests.Count(r => r.Path.StartsWith("/storage/") && r.Method == "GET");
        await held.DisposeAsync();
        var folder = await download;

        storageGetsWhileLocked.Should().Be(0);
        File.ReadAllBytes(Path.Combine(folder, "model.safetensors")).Should().Equal(repo.Files["model.safetensors"]);
    }
}

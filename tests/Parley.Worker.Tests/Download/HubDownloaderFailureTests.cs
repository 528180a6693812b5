using System.Diagnostics;
using System.Security.Cryptography;
using Parley.Worker.Download;

namespace Parley.Worker.Tests.Download;

public sealed class HubDownloaderFailureTests : IDisposable
{
    private readonly DownloadFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task EnsureLocal_GatedModelWithoutToken_FailsNamingHfTokenWithoutRetrying()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("meta/gated", isGated: true));

        var download = () => _fixture.DownloadAsync(hub, "meta/gated");

        await download.Should().ThrowAsync<HubDownloadException>()
            .WithMessage($"model meta/gated is gated or private: set HF_TOKEN to a token that has accepted its license at {hub.Endpoint}meta/gated*");
        hub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task EnsureLocal_WithToken_SendsItAsBearerToTheHub()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("meta/gated", isGated: true));

        await _fixture.DownloadAsync(hub, "meta/gated", token: FakeHub.AcceptedToken);

        hub.Requests.Should().NotBeEmpty().And.OnlyContain(r => r.Authorization == $"Bearer {FakeHub.AcceptedToken}");
    }

    [Fact]
    public async Task EnsureLocal_UnknownRevision_FailsNamingIt()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("acme/tiny"));

        var download = () => _fixture.DownloadAsync(hub, "acme/tiny@v9");

        await download.Should().ThrowAsync<HubDownloadException>().WithMessage("revision 'v9' of acme/tiny does not exist.");
    }

    [Fact]
    public async Task EnsureLocal_UnknownRepository_FailsSayingThereIsNoSuchModel()
    {
        await using var hub = await FakeHub.StartAsync();

        var download = () => _fixture.DownloadAsync(hub, "acme/missing");

        await download.Should().ThrowAsync<HubDownloadException>().WithMessage("no model acme/missing on the hub.");
        hub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task EnsureLocal_PickleOnlyRepository_RefusesNamingSafetensors()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.PickleOnly("old/pickled"));

        var download = () => _fixture.DownloadAsync(hub, "old/pickled");

        await download.Should().ThrowAsync<HubDownloadException>().WithMessage("*pickled*safetensors*");
        hub.FileRequests.Should().NotContain(r => r.Path.EndsWith(".bin"));
    }

    [Fact]
    public async Task EnsureLocal_AnAdapterWithPickledWeightsOnly_RefusesNamingSafeSerialization()
    {
        var repo = new FakeRepo("acme/pickled-lora");
        repo.Files["adapter_config.json"] = "{}"u8.ToArray();
        repo.Files["adapter_model.bin"] = new byte[64];
        await using var hub = await FakeHub.StartAsync(repo);

        var download = () => HubDownloader.EnsureLocalAsync(ModelReference.Parse("acme/pickled-lora"), _fixture.Options(hub), _fixture.Logger, CancellationToken.None, HubFileSet.LoraAdapter);

        await download.Should().ThrowAsync<HubDownloadException>().WithMessage("*adapter_model.bin*safe_serialization=True*");
        hub.FileRequests.Should().BeEmpty("nothing is fetched from a repository the worker cannot load");
    }

    [Fact]
    public async Task EnsureLocal_ACheckpointAskedForAsAnAdapter_RefusesNamingPeft()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("acme/tiny"));

        var download = () => HubDownloader.EnsureLocalAsync(ModelReference.Parse("acme/tiny"), _fixture.Options(hub), _fixture.Logger, CancellationToken.None, HubFileSet.LoraAdapter);

        await download.Should().ThrowAsync<HubDownloadException>().WithMessage("*acme/tiny has no adapter_config.json*PEFT*");
    }

    [Fact]
    public async Task EnsureLocal_ChecksumMismatch_DeletesThePartialFileAndFails()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);
        hub.CorruptFiles["model.safetensors"] = true;

        var download = () => _fixture.DownloadAsync(hub, "acme/tiny");

        var sha = Convert.ToHexStringLower(SHA256.HashData(repo.Files["model.safetensors"]));
        await download.Should().ThrowAsync<HubDownloadException>().WithMessage($"model.safetensors of acme/tiny does not match its checksum*expected {sha}*");
        var blobs = Path.Combine(_fixture.CacheDirectory, "models--acme--tiny", "blobs");
        File.Exists(Path.Combine(blobs, sha)).Should().BeFalse();
        File.Exists(Path.Combine(blobs, sha + ".incomplete")).Should().BeFalse();
    }

    [Fact]
    public async Task EnsureLocal_ServerErrorsThenSuccess_RetriesAndHonoursRetryAfter()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("acme/tiny"));
        hub.Failures.Enqueue((503, null));
        hub.Failures.Enqueue((429, 1));
        var clock = Stopwatch.StartNew();

        await _fixture.DownloadAsync(hub, "acme/tiny");

        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(0.9));
        hub.Requests.Count(r => r.Path.StartsWith("/api/")).Should().Be(3);
    }

    [Fact]
    public async Task EnsureLocal_ServerErrorsOnEveryTry_GivesUpAfterMaxAttempts()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("acme/tiny"));
        for (var i = 0; i < 10; i++)
        {
            hub.Failures.Enqueue((500, null));
        }

        var download = () => _fixture.DownloadAsync(hub, "acme/tiny");

        await download.Should().ThrowAsync<HubDownloadException>().WithMessage("*failed after 4 tries*500*");
        hub.Requests.Should().HaveCount(4);
    }
}

// An in-process Hugging Face hub on 127.0.0.1: the revision API, resolve URLs (LFS files redirect to a storage path
// with X-Linked-Etag/X-Linked-Size, as huggingface.co does), Range requests, X-Error-Code on errors, and injected faults.
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Worker.Tests.Download;

internal sealed record HubRequest(string Method, string Path, string? Range, string? Authorization);

internal sealed class FakeHub : IAsyncDisposable
{
    public const string AcceptedToken = "hf_test_token";

    private readonly WebApplication _app;

    private FakeHub(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public ConcurrentDictionary<string, FakeRepo> Repos { get; } = new();

    public ConcurrentQueue<HubRequest> Requests { get; } = new();

    /// <summary>File name -> bytes sent before the connection is closed, on the next GET of that file only.</summary>
    public ConcurrentDictionary<string, int> DropAfterBytes { get; } = new();

    /// <summary>Files served with one byte changed (the announced sha256 stays the original's).</summary>
    public ConcurrentDictionary<string, bool> CorruptFiles { get; } = new();

    /// <summary>Answers (status, Retry-After seconds) given to the next requests before any is served.</summary>
    public ConcurrentQueue<(int Status, int? RetryAfterSeconds)> Failures { get; } = new();

    public bool IgnoresRange { get; set; }

    public IEnumerable<HubRequest> FileRequests => Requests.Where(r => !r.Path.StartsWith("/api/", StringComparison.Ordinal));

    public static async Task<FakeHub> StartAsync(params FakeRepo[] repos)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeHub? hub = null;
        app.Run(context => hub!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub = new FakeHub(app, new Uri(address));
        foreach (var repo in repos)
        {
            hub.Repos[repo.Id] = repo;
        }

        return hub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        Requests.Enqueue(new HubRequest(request.Method, path, request.Headers.Range.FirstOrDefault(), request.Headers.Authorization.FirstOrDefault()));
        if (Failures.TryDequeue(out var failure))
        {
            context.Response.StatusCode = failure.Status;
            if (failure.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString();
            }

            return;
        }

        var parts = path.Trim('/').Split('/');
        if (parts is ["api", "models", var org, var name, "revision", var revision])
        {
            await RevisionAsync(context, $"{org}/{name}", Uri.UnescapeDataString(revision));
        }
        else if (parts is [var org2, var name2, "resolve", var revision2, ..])
        {
            await ResolveAsync(context, $"{org2}/{name2}", revision2, string.Join('/', parts[4..].Select(Uri.UnescapeDataString)));
        }
        else if (parts is ["storage", var org3, var name3, ..])
        {
            await StorageAsync(context, Repos[$"{org3}/{name3}"], string.Join('/', parts[3..]));
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task RevisionAsync(HttpContext context, string repoId, string revision)
    {
        if (Refuse(context, repoId, revision) is not { } repo)
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            id = repoId,
            sha = repo.Commit,
            siblings = repo.Files.Keys.Select(file => new { rfilename = file }),
        });
    }

    private async Task ResolveAsync(HttpContext context, string repoId, string revision, string file)
    {
        if (Refuse(context, repoId, revision) is not { } repo)
        {
            return;
        }

        var response = context.Response;
        if (!repo.Files.TryGetValue(file, out var content))
        {
            response.StatusCode = 404;
            response.Headers["X-Error-Code"] = "EntryNotFound";
            return;
        }

        response.Headers["X-Repo-Commit"] = repo.Commit;
        if (FakeRepo.IsLfs(file))
        {
            response.StatusCode = 302;
            response.Headers.Location = $"/storage/{repoId}/{file}";
            response.Headers["X-Linked-Etag"] = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))}\"";
            response.Headers["X-Linked-Size"] = content.Length.ToString();
            return;
        }

        // Small files are git blobs: their ETag is the git object id, which is not a content sha256.
        response.Headers.ETag = $"\"{FakeRepo.GitEtag(content)}\"";
        response.ContentLength = content.Length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await response.Body.WriteAsync(content);
        }
    }

    private async Task StorageAsync(HttpContext context, FakeRepo repo, string file)
    {
        var content = repo.Files[file];
        if (CorruptFiles.ContainsKey(file))
        {
            content = (byte[])content.Clone();
            content[^1] ^= 0xFF;
        }

        long start = 0;
        var range = context.Request.Headers.Range.FirstOrDefault();
        if (!IgnoresRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = long.Parse(range["bytes=".Length..].TrimEnd('-'));
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        context.Response.ContentLength = content.Length - start;
        var body = content.AsMemory((int)start);
        if (DropAfterBytes.TryRemove(file, out var dropAfter))
        {
            await context.Response.Body.WriteAsync(body[..dropAfter]);
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(body);
    }

    // The hub's answers for a missing repository, a token without access, and an unknown revision.
    private FakeRepo? Refuse(HttpContext context, string repoId, string revision)
    {
        var response = context.Response;
        if (!Repos.TryGetValue(repoId, out var repo))
        {
            response.StatusCode = 404;
            response.Headers["X-Error-Code"] = "RepoNotFound";
            return null;
        }

        if (repo.IsGated && context.Request.Headers.Authorization.FirstOrDefault() != $"Bearer {AcceptedToken}")
        {
            response.StatusCode = 401;
            response.Headers["X-Error-Code"] = "GatedRepo";
            return null;
        }

        if (revision != "main" && revision != repo.Commit)
        {
            response.StatusCode = 404;
            response.Headers["X-Error-Code"] = "RevisionNotFound";
            return null;
        }

        return repo;
    }
}

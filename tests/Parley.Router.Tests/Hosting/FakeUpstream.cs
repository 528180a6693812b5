// A stand-in worker: a tiny Kestrel app on a loopback port whose every request runs the test's handler. It records
// what arrived so tests can say which replica saw which request and with what headers.
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Testing;

namespace Parley.Router.Tests.Hosting;

internal sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requestCount;

    private FakeUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public Uri Url => new($"http://{Address}");

    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>The Authorization header and body of each request, in arrival order.</summary>
    public ConcurrentQueue<(string Path, string? Authorization, string Body)> Received { get; } = new();

    public static async Task<FakeUpstream> StartAsync(Func<HttpContext, Task> handler)
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new FakeUpstream(app, port);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            if (context.Request.Path != "/metrics")
            {
                Interlocked.Increment(ref upstream._requestCount);
                upstream.Received.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers.Authorization.FirstOrDefault(), body));
            }

            await handler(context);
        });
        await app.StartAsync();
        return upstream;
    }

    /// <summary>Answers 200 with <paramref name="text"/>.</summary>
    public static Task<FakeUpstream> AnsweringAsync(string text) => StartAsync(context => context.Response.WriteAsync(text));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

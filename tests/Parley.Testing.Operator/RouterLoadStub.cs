// A stand-in router on loopback: answers GET /v1/parley/router/load with a RouterLoad the test sets, checking the API
// key like the real router (a /v1 path without the key is 401). Point the operator at it with ControllerOptions
// .ServiceAddress = stub.Address, which maps every Service to this one port.
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Api.Contracts;
using Parley.Operator.Autoscaling;
using Parley.Testing;

namespace Parley.Testing.Operator;

/// <summary>A Kestrel app serving a router's load report.</summary>
public sealed class RouterLoadStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _readCount;
    private int _rejectedCount;

    private RouterLoadStub(WebApplication app, Uri baseAddress) => (_app, BaseAddress) = (app, baseAddress);

    /// <summary>What the next read answers; idle (nothing held or in flight) until a test sets it.</summary>
    public RouterLoad Load { get; set; } = new() { Held = 0, InFlight = 0 };

    /// <summary>The key reads must carry as <c>Authorization: Bearer</c>; null accepts any.</summary>
    public string? ApiKey { get; set; }

    public Uri BaseAddress { get; }

    /// <summary>Load reports served so far: a test waits for it to grow to know the autoscaler has seen a new load.</summary>
    public int ReadCount => Volatile.Read(ref _readCount);

    /// <summary>Reads refused for a missing or wrong key.</summary>
    public int RejectedCount => Volatile.Read(ref _rejectedCount);

    /// <summary>Maps every Service to this stub.</summary>
    public ServiceAddress Address => (_, _, _) => BaseAddress;

    public static async Task<RouterLoadStub> StartAsync()
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var stub = new RouterLoadStub(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapGet(RouterLoad.Path, (HttpContext context) =>
        {
            if (stub.ApiKey is { } key && context.Request.Headers.Authorization.ToString() != $"Bearer {key}")
            {
                Interlocked.Increment(ref stub._rejectedCount);
                return Results.StatusCode((int)HttpStatusCode.Unauthorized);
            }

            Interlocked.Increment(ref stub._readCount);
            return Results.Json(stub.Load);
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

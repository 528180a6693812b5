// An in-memory Kubernetes API server: Kestrel on 127.0.0.1 with a dynamic port, spoken to by the real
// KubernetesClient. Objects are kept as JSON whatever their kind, with the semantics operator code depends on:
// resourceVersion conflicts, generation, the status subresource, finalizers, owner-reference garbage collection,
// watches with bounded history (410 Expired), validation (422), and injectable faults.
using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Parley.LocalCluster.Api;

/// <summary>A running fake API server. Dispose it to stop the server; open watches end and hung requests are dropped.</summary>
/// <example><code>
/// await using var api = await InMemoryKubernetesApi.StartAsync();
/// using var client = api.CreateClient();
/// await client.CoreV1.CreateNamespacedConfigMapAsync(configMap, "default");
/// api.WriteCount.Should().Be(1);
/// </code></example>
public sealed class InMemoryKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private int _isDisposed;

    private InMemoryKubernetesApi(WebApplication app, CancellationTokenSource stopping, string url, ObjectStore store, RequestLog requests, FaultInjector faults)
    {
        _app = app;
        _stopping = stopping;
        Url = url;
        Store = store;
        Requests = requests;
        Faults = faults;
    }

    /// <summary>The base address, such as <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    /// <summary>Direct, synchronous access to the objects, bypassing HTTP, validation and faults.</summary>
    public ObjectStore Store { get; }

    /// <summary>The served resources; register more at any time.</summary>
    public ResourceTable Resources => Store.Resources;

    public RequestLog Requests { get; }

    public FaultInjector Faults { get; }

    /// <summary>POST, PUT, PATCH and DELETE requests answered with a 2xx status.</summary>
    public int WriteCount => Requests.WriteCount;

    public static async Task<InMemoryKubernetesApi> StartAsync(InMemoryKubernetesOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new InMemoryKubernetesOptions();
        var resources = new ResourceTable();
        foreach (var type in options.Resources)
        {
            resources.Register(type);
        }

        var store = new ObjectStore(resources, options.HistoryLimit, options.TimeProvider);
        var requests = new RequestLog();
        var faults = new FaultInjector(store, options.FaultSeed);
        var stopping = new CancellationTokenSource();
        var handler = new ApiRequestHandler(store, requests, faults, options.HangLimit, stopping.Token);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InMemoryKubernetesApi(app, stopping, address.TrimEnd('/'), store, requests, faults);
    }

    /// <summary>A real KubernetesClient for this server. The caller disposes it.</summary>
    /// <param name="timeout">The client's per-request timeout; KubernetesClient's default is 100 s.</param>
    public Kubernetes CreateClient(TimeSpan? timeout = null)
    {
        var configuration = new KubernetesClientConfiguration { Host = Url };
        if (timeout is { } t)
        {
            configuration.HttpClientTimeout = t;
        }

        return new Kubernetes(configuration);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _isDisposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}

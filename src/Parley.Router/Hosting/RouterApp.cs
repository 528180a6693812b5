// The router's web application: Kestrel on --port; its own endpoints (/health, /metrics, the load report) and a
// catch-all that proxies everything else to the workers through YARP's IHttpForwarder, so the router picks the
// destination of each request itself. The backend source is fixed URLs or EndpointSlices; in discovery mode held
// requests also wake the ChatDeployment.
using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Api.Contracts;
using Parley.Router.Backends;
using Parley.Router.Holding;
using Parley.Router.Load;
using Parley.Router.Metrics;
using Parley.Router.Proxy;
using Parley.Router.Routing;
using Prometheus;

namespace Parley.Router.Hosting;

/// <summary>Builds the router's web application.</summary>
public static class RouterApp
{
    /// <param name="options">The router's settings.</param>
    /// <param name="source">Overrides where backends come from (tests); by default fixed URLs or EndpointSlices.</param>
    /// <param name="kubernetes">Overrides the Kubernetes client of discovery mode (tests).</param>
    public static WebApplication Build(RouterOptions options, IBackendSource? source = null, IKubernetes? kubernetes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new RouterMetrics(Prometheus.Metrics.NewCustomRegistry()));
        services.AddSingleton<BackendPool>();
        services.AddSingleton(s => new HoldQueue(options.HoldQueueSize, s.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new ReplicaChooser(options.Policy, options.AffinityLoadFactor));
        services.AddSingleton<RequestCounters>();
        services.AddHttpForwarder();
        services.AddSingleton(new HttpMessageInvoker(WorkerConnections()));
        services.AddSingleton<ProxyEndpoint>();
        services.AddHostedService(s => new WorkerScraper(s.GetRequiredService<BackendPool>(), new HttpClient(WorkerConnections()), s.GetRequiredService<TimeProvider>()));
        // EndpointSlices are watched, and held requests wake the ChatDeployment, unless the caller brought its own source.
        var discovers = source is null && options.DiscoversBackends;
        if (discovers)
        {
            services.AddSingleton(_ => kubernetes ?? KubernetesClient(options));
            services.AddHostedService(s => new ChatDeploymentWaker(
                s.GetRequiredService<IKubernetes>(), options.Namespace!, options.ChatDeployment!, s.GetRequiredService<HoldQueue>(),
                s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILogger<ChatDeploymentWaker>>()));
        }

        services.AddSingleton(s => source ?? (discovers
            ? new EndpointSliceSource(s.GetRequiredService<IKubernetes>(), options.Namespace!, options.WorkerService!, s.GetRequiredService<ILogger<EndpointSliceSource>>())
            : new FixedBackendSource(options.Backends)));
        services.AddHostedService<BackendDiscovery>();

        var app = builder.Build();
        Connect(app.Services);
        app.UseMiddleware<ApiKeyGate>();
        app.MapGet("/health", () => Results.Ok());
        app.MapGet("/metrics", ServeMetricsAsync);
        app.MapGet(RouterLoad.Path, (BackendPool pool, HoldQueue queue, RequestCounters counters) => Results.Json(LoadReport.Build(pool.Snapshot, queue, counters)));
        var proxy = app.Services.GetRequiredService<ProxyEndpoint>();
        app.Map("/{**path}", proxy.HandleAsync);
        return app;
    }

    /// <summary>A new ready replica releases the held requests; a replica that left loses its metric series.</summary>
    private static void Connect(IServiceProvider services)
    {
        var queue = services.GetRequiredService<HoldQueue>();
        var metrics = services.GetRequiredService<RouterMetrics>();
        services.GetRequiredService<BackendPool>().Changed += (snapshot, removed) =>
        {
            metrics.Forget(removed);
            if (snapshot.Ready.Count > 0)
            {
                queue.ReleaseAll();
            }
        };
    }

    private static async Task ServeMetricsAsync(HttpContext context, RouterMetrics metrics)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Connections to workers, as YARP recommends for a forwarder: no proxy, redirects, cookies or decompression
    /// (the client gets the worker's bytes), and a short connect timeout so a dead replica is retried elsewhere quickly.</summary>
    private static SocketsHttpHandler WorkerConnections() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ActivityHeadersPropagator = null,
        EnableMultipleHttp2Connections = true,
    };

    private static Kubernetes KubernetesClient(RouterOptions options) => new(options.KubeApi is { } url
        ? new KubernetesClientConfiguration { Host = url.ToString() }
        : KubernetesClientConfiguration.InClusterConfig());
}

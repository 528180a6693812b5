// `parley-operator run`: the controller, with /healthz, /readyz and /metrics on one HTTP port.
using System.CommandLine;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Operator.Metrics;
using Parley.Operator.Resources;
using Parley.Operator.Runtime;
using Prometheus;

namespace Parley.Operator.Cli;

/// <summary>The run command.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<FileInfo?>("--kubeconfig") { Description = "Kubeconfig file; in a pod the in-cluster configuration is used." };
        var port = new Option<int>("--port") { Description = "Port of /healthz, /readyz and /metrics.", DefaultValueFactory = _ => 8080 };
        var workers = new Option<int>("--workers") { Description = "Reconciles at once.", DefaultValueFactory = _ => 4 };
        var leaderElection = new Option<bool>("--leader-election") { Description = "Hold a Lease before reconciling.", DefaultValueFactory = _ => true };
        var leaseNamespace = new Option<string>("--lease-namespace") { Description = "Namespace of the leader Lease.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "parley-system" };
        var workerImage = new Option<string>("--worker-image") { DefaultValueFactory = _ => OperatorDefaults.DefaultWorkerImage, Description = "Default worker image." };
        var uiImage = new Option<string>("--ui-image") { DefaultValueFactory = _ => OperatorDefaults.DefaultUiImage, Description = "Default Open WebUI image." };
        var routerImage = new Option<string>("--router-image") { DefaultValueFactory = _ => OperatorDefaults.DefaultRouterImage, Description = "Default router image." };
        var shutdownTimeout = new Option<int>("--shutdown-timeout-seconds")
        {
            Description = "On SIGTERM, how long reconciles in flight may take to finish before the Lease is handed over; keep it below the pod's terminationGracePeriodSeconds.",
            DefaultValueFactory = _ => (int)ControllerOptions.DefaultShutdownTimeout.TotalSeconds,
        };
        var command = new Command("run", "Run the operator against a cluster.") { kubeconfig, port, workers, leaderElection, leaseNamespace, workerImage, uiImage, routerImage, shutdownTimeout };
        command.SetAction(async (result, cancellationToken) =>
        {
            var config = result.GetValue(kubeconfig) is { } file
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(file.FullName)
                : KubernetesClientConfiguration.InClusterConfig();
            var options = new ControllerOptions
            {
                Workers = result.GetValue(workers),
                LeaderElection = result.GetValue(leaderElection),
                LeaseNamespace = result.GetValue(leaseNamespace)!,
                ShutdownTimeout = TimeSpan.FromSeconds(result.GetValue(shutdownTimeout)),
                Defaults = new OperatorDefaults(result.GetValue(workerImage)!, result.GetValue(uiImage)!, ServiceMonitorAvailable: false)
                {
                    RouterImage = result.GetValue(routerImage)!,
                },
            };
            return await RunAsync(config, options, result.GetValue(port), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(KubernetesClientConfiguration config, ControllerOptions options, int port, CancellationToken cancellationToken)
    {
        using var signals = new ShutdownSignals(cancellationToken);
        var stopping = signals.Token;
        using var loggers = LoggerFactory.Create(builder => builder.AddSimpleConsole(console => console.IncludeScopes = true));
        using var client = new Kubernetes(config);
        var metrics = new OperatorMetrics();
        using var host = new OperatorHost(client, options, loggers, metrics, TimeProvider.System);
        await using var probes = Probes(host, metrics, port);
        await probes.StartAsync(stopping).ConfigureAwait(false);
        await host.RunAsync(stopping).ConfigureAwait(false);
        await probes.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The probe and metrics server: /healthz while the process runs, /readyz once the caches are filled.</summary>
    public static WebApplication Probes(OperatorHost host, OperatorMetrics metrics, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(metrics);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => host.HasSynced ? Results.Text("ok") : Results.Text("informers not synced", statusCode: 503));
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }
}

using k8s.Models;
using Parley.Operator.Autoscaling;
using Parley.Operator.Resources;

namespace Parley.Operator.Runtime;

/// <summary>How the controller runs.</summary>
public sealed record ControllerOptions
{
    /// <summary>Reconciles running at once (different keys only).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Whether to hold a Lease before reconciling; off only for a single instance in tests.</summary>
    public bool LeaderElection { get; init; } = true;

    public string LeaseNamespace { get; init; } = "parley-system";
    public string LeaseName { get; init; } = "parley-operator";
    /// <summary>This instance's name in the Lease: the pod's name when the chart passes it, else host name and a random suffix.</summary>
    public string Identity { get; init; } = Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Guid.NewGuid():N}";

    // client-go's defaults: a new leader within 15 s of the old one vanishing.
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The default <see cref="ShutdownTimeout"/>: inside the chart's 30-second terminationGracePeriodSeconds.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <summary>On stop, how long reconciles in flight may take to finish before they are cancelled and the Lease handed over.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary>How often every cached object is reconciled again even without a change.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>One API call's time limit before it is retried.</summary>
    public TimeSpan ApiAttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public OperatorDefaults Defaults { get; init; } = OperatorDefaults.Standard;

    /// <summary>The port worker pods serve <c>/v1/parley/info</c> on.</summary>
    public int WorkerInfoPort { get; init; } = WorkerArgs.Port;

    /// <summary>Where the operator reaches a pod's HTTP port; null means <c>http://{podIP}:{WorkerInfoPort}</c>. A local cluster,
    /// where every pod is 127.0.0.1 on a port of its own, gives its own map (<c>parley-operator dev</c>).</summary>
    public Func<V1Pod, Uri?>? PodAddress { get; init; }
    /// <summary>How often the autoscaler reads each autoscaled ChatDeployment's router load and decides its replicas.</summary>
    public TimeSpan AutoscaleInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the operator reaches a Service (the router's load report); tests and local runs map it to loopback.</summary>
    public ServiceAddress ServiceAddress { get; init; } = ServiceAddresses.ClusterDns;

    /// <summary>How long to wait for a router's load report before keeping the replica count until the next interval.</summary>
    public TimeSpan RouterLoadTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for a worker's report before trying again on the next reconcile.</summary>
    public TimeSpan WorkerInfoTimeout { get; init; } = TimeSpan.FromSeconds(2);
}

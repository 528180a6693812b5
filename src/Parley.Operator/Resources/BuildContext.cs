// Everything a resource builder reads: the ChatDeployment, its spec with defaults applied, the plan and the images.
using Parley.Api;
using Parley.Api.Spec;
using Parley.Operator.Autoscaling;
using Parley.Tuning;

namespace Parley.Operator.Resources;

/// <summary>Images and cluster facts the operator is configured with rather than each ChatDeployment.</summary>
/// <param name="WorkerImage">The worker image used when <c>spec.worker.image</c> is unset.</param>
/// <param name="UiImage">The Open WebUI image used when <c>spec.ui.image</c> is unset.</param>
/// <param name="ServiceMonitorAvailable">Whether the Prometheus Operator's ServiceMonitor CRD is installed.</param>
public sealed record OperatorDefaults(string WorkerImage, string UiImage, bool ServiceMonitorAvailable)
{
    /// <summary>The worker image released with this operator.</summary>
    public const string DefaultWorkerImage = "ghcr.io/parley-dev/parley-worker:0.1.0";

    /// <summary>The router image released with this operator.</summary>
    public const string DefaultRouterImage = "ghcr.io/parley-dev/parley-router:0.1.0";

    /// <summary>The router image used when <c>spec.router.image</c> is unset.</summary>
    public string RouterImage { get; init; } = DefaultRouterImage;

    /// <summary>The Open WebUI release Parley's environment settings are checked against.</summary>
    public const string DefaultUiImage = "ghcr.io/open-webui/open-webui:v0.11.4";

    public static OperatorDefaults Standard { get; } = new(DefaultWorkerImage, DefaultUiImage, ServiceMonitorAvailable: false);
}

/// <summary>The inputs of every builder.</summary>
/// <param name="Chat">The ChatDeployment as stored (name, namespace, uid).</param>
/// <param name="Spec">Its spec with <see cref="Defaults.Apply"/> applied.</param>
/// <param name="Plan">The tuning plan to run with.</param>
/// <param name="Defaults">Operator-wide settings.</param>
public sealed record BuildContext(ChatDeployment Chat, ChatDeploymentSpec Spec, TuningPlan Plan, OperatorDefaults Defaults)
{
    /// <summary>A digest of the worker's API key, when known: the worker and UI pod templates carry it, so a changed
    /// key rolls both out (each reads the key once, at start).</summary>
    public string? ApiKeyChecksum { get; init; }

    /// <summary>The worker replica count the autoscaler chose; null leaves <c>spec.worker.replicas</c> in charge (and,
    /// when that is unset too, the Deployment's replicas to whoever else scales it).</summary>
    public int? AutoscaledReplicas { get; init; }

    /// <summary>The context outside a reconcile (render, tests): an autoscaled worker gets the count in its status, or
    /// the count a new ChatDeployment starts with.</summary>
    public static BuildContext For(ChatDeployment chat, TuningPlan plan, OperatorDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(plan);
        var spec = Api.Defaults.Apply(chat.Spec);
        var autoscaled = spec.Worker?.Autoscaling is { } autoscaling
            ? chat.Status?.Autoscaling?.DesiredReplicas ?? AutoscalingSettings.From(autoscaling, plan.MaxNumSeqs).InitialReplicas
            : (int?)null;
        return new(chat, spec, plan, defaults) { AutoscaledReplicas = autoscaled };
    }

    public string Namespace => ResourceNames.Namespace(Chat);
    public WorkerSpec Worker => Spec.Worker!;
    public UiSpec Ui => Spec.Ui!;
    public bool IsUiEnabled => Ui.Enabled == true;
    public RouterSpec Router => Spec.Router!;

    /// <summary>Whether the router fronts the workers (and the API Service points at it).</summary>
    public bool IsRoutingEnabled => Router.Enabled == true;

    /// <summary>Whether the UI's data volume and credentials outlive the ChatDeployment.</summary>
    public bool RetainsUiData => Ui.Persistence?.RetainOnDelete == true;
}

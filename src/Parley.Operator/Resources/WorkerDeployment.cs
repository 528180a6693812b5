// The worker Deployment: one GPU per pod on the planned GPU product, the tuned flags, probes for a slow model load.
using k8s.Models;
using Parley.Api;
using Parley.Tuning;

namespace Parley.Operator.Resources;

/// <summary>Builds the inference worker's Deployment.</summary>
public static class WorkerDeployment
{
    // Up to 30 minutes to download and load a model before the kubelet gives up: 180 probes, 10 s apart.
    private const int StartupFailureThreshold = 180;

    // Long enough for in-flight streams to finish after SIGTERM stops admission.
    private const long TerminationGracePeriodSeconds = 60;

    public static V1Deployment Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var chat = context.Chat;
        var worker = context.Worker;
        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = ResourceNames.Worker(chat),
                NamespaceProperty = context.Namespace,
                Labels = Labels.For(chat, Labels.WorkerComponent),
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = context.AutoscaledReplicas ?? worker.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Labels.Selector(chat, Labels.WorkerComponent) },
                // No surge: a second pod would wait for a second GPU that a small cluster does not have.
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 0, MaxUnavailable = 1 },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = Labels.For(chat, Labels.WorkerComponent),
                        Annotations = Credentials.PodAnnotations(context, worker.PodAnnotations),
                    },
                    Spec = PodSpec(context),
                },
            },
        };
        return Ownership.Own(deployment, chat);
    }

    private static V1PodSpec PodSpec(BuildContext context)
    {
        var worker = context.Worker;
        return new V1PodSpec
        {
            AutomountServiceAccountToken = false,
            TerminationGracePeriodSeconds = TerminationGracePeriodSeconds,
            PriorityClassName = worker.PriorityClassName,
            NodeSelector = NodeSelector(context),
            Tolerations = [new V1Toleration { Key = GpuInventory.GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" }, .. worker.Tolerations ?? []],
            Affinity = worker.Affinity,
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = 1000,
                RunAsGroup = 1000,
                FsGroup = 1000,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            Containers = [Container(context)],
            Volumes = WorkerVolumes.Volumes(context),
        };
    }

    /// <summary>The well-known node label holding the node's name.</summary>
    public const string HostnameLabel = "kubernetes.io/hostname";

    private static Dictionary<string, string> NodeSelector(BuildContext context)
    {
        var selector = new Dictionary<string, string>(context.Worker.NodeSelector ?? new Dictionary<string, string>());
        if (context.Plan.Share is { } share)
        {
            // Pinned to the node the joint plan chose; its product label may carry -SHARED, so the node name is the pin.
            selector[HostnameLabel] = share.Gpu.NodeName;
        }
        else
        {
            selector[GpuInventory.ProductLabel] = context.Plan.Gpu.Product;
        }

        return selector;
    }

    private static V1Container Container(BuildContext context)
    {
        var worker = context.Worker;
        return new V1Container
        {
            Name = "worker",
            Image = worker.Image ?? context.Defaults.WorkerImage,
            Args = WorkerArgs.Build(context),
            Env = WorkerEnvironment.Build(context),
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = WorkerArgs.Port, Protocol = "TCP" }],
            Resources = Resources(worker.Resources, context.Plan.Share?.Gpu.ResourceName ?? GpuInventory.GpuResource),
            StartupProbe = HttpProbes.Get("/health", periodSeconds: 10, failureThreshold: StartupFailureThreshold),
            ReadinessProbe = HttpProbes.Get("/health", periodSeconds: 5, failureThreshold: 3),
            LivenessProbe = HttpProbes.Get("/health", periodSeconds: 15, failureThreshold: 4),
            VolumeMounts = WorkerVolumes.Mounts(context),
            TerminationMessagePolicy = "FallbackToLogsOnError",
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
        };
    }

    /// <summary>The user's resources with one GPU added as a limit (extended resources request what they limit); a
    /// Shared worker on a mixed-strategy MIG slice asks for that slice's resource.</summary>
    private static V1ResourceRequirements Resources(V1ResourceRequirements? requested, string gpuResource)
    {
        var limits = new Dictionary<string, ResourceQuantity>(requested?.Limits ?? new Dictionary<string, ResourceQuantity>())
        {
            [gpuResource] = new ResourceQuantity("1"),
        };
        var requests = requested?.Requests is { Count: > 0 } given
            ? new Dictionary<string, ResourceQuantity>(given)
            : new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("4Gi") };
        return new V1ResourceRequirements { Requests = requests, Limits = limits };
    }

}

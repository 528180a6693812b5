// The Pod object of a local pod: the Deployment's template with a name, an owner, the node, and a status rebuilt from
// the supervisor's snapshot. Every local pod has IP 127.0.0.1; the annotation LocalPortAnnotation says which port is its.
using System.Globalization;
using k8s.Models;

namespace Parley.LocalCluster.Kubelet;

/// <summary>Builds the Pod objects the kubelet stand-in writes.</summary>
public static class PodManifest
{
    /// <summary>The loopback port the pod's process serves on (all local pods share 127.0.0.1).</summary>
    public const string LocalPortAnnotation = "local.parley.dev/port";

    public const string PodTemplateHashLabel = "pod-template-hash";
    public const string LoopbackAddress = "127.0.0.1";

    /// <summary>The Pod for <paramref name="pod"/>, made from <paramref name="deployment"/>'s template.</summary>
    public static V1Pod Build(V1Deployment deployment, LocalPod pod, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(pod);
        var template = deployment.Spec.Template;
        var state = pod.State;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>()) { [PodTemplateHashLabel] = pod.TemplateHash };
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>());
        if (state.Port is { } port)
        {
            annotations[LocalPortAnnotation] = port.ToString(CultureInfo.InvariantCulture);
        }

        var spec = k8s.KubernetesJson.Deserialize<V1PodSpec>(k8s.KubernetesJson.Serialize(template.Spec));
        spec.NodeName = nodeName;
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = pod.Name,
                NamespaceProperty = pod.Namespace,
                Labels = labels,
                Annotations = annotations,
                OwnerReferences = [EndpointSliceManifest.Owner("apps/v1", "Deployment", deployment.Metadata)],
            },
            Spec = spec,
            Status = Status(spec, state),
        };
    }

    /// <summary>The loopback address of a local pod's process, from its annotation; null for a pod without one.</summary>
    public static Uri? Address(V1Pod pod) =>
        pod?.Metadata?.Annotations?.TryGetValue(LocalPortAnnotation, out var port) == true ? new Uri($"http://{LoopbackAddress}:{port}") : null;

    private static V1PodStatus Status(V1PodSpec spec, PodState state)
    {
        var container = spec.Containers[0];
        var isRunning = state.Phase == ContainerPhase.Running;
        return new V1PodStatus
        {
            Phase = state.Phase switch { ContainerPhase.Running => "Running", ContainerPhase.Terminated => "Succeeded", _ => "Pending" },
            HostIP = LoopbackAddress,
            PodIP = state.Port is null ? null : LoopbackAddress,
            PodIPs = state.Port is null ? null : [new V1PodIP { Ip = LoopbackAddress }],
            StartTime = state.StartedAt,
            Conditions =
            [
                Condition("PodScheduled", true),
                Condition("Initialized", true),
                Condition("ContainersReady", state.IsReady),
                Condition("Ready", state.IsReady),
            ],
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = container.Name,
                    Image = container.Image,
                    ImageID = "",
                    Ready = state.IsReady,
                    Started = isRunning,
                    RestartCount = state.RestartCount,
                    State = CurrentState(state),
                    LastState = state.LastTermination is { } last ? new V1ContainerState { Terminated = Terminated(last) } : new V1ContainerState(),
                },
            ],
        };
    }

    private static V1ContainerState CurrentState(PodState state) => state.Phase switch
    {
        ContainerPhase.Running => new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = state.StartedAt } },
        ContainerPhase.Terminated => new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } },
        _ => new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = state.WaitingReason, Message = state.WaitingMessage } },
    };

    private static V1ContainerStateTerminated Terminated(Termination termination) => new()
    {
        ExitCode = termination.ExitCode, Message = termination.Message, Reason = termination.Reason, StartedAt = termination.StartedAt, FinishedAt = termination.FinishedAt,
    };

    private static V1PodCondition Condition(string type, bool isTrue) => new() { Type = type, Status = isTrue ? "True" : "False" };
}

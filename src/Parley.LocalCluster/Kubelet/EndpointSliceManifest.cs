// EndpointSlices as the endpointslice controller would publish them for local pods, one slice per pod per Service.
// A slice carries its own ports, and that is what lets several pods on one host (all 127.0.0.1) each be reached at
// their own port: a router reads address and port from the same slice.
using k8s.Models;

namespace Parley.LocalCluster.Kubelet;

/// <summary>Builds the EndpointSlices of local pods.</summary>
public static class EndpointSliceManifest
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";

    /// <summary>The managed-by value of the slices the kubelet stand-in writes (and the only ones it deletes).</summary>
    public const string ManagedBy = "local-kubelet.parley.dev";

    /// <summary>Whether <paramref name="service"/>'s selector picks a pod with <paramref name="podLabels"/>.</summary>
    public static bool Selects(V1Service service, IDictionary<string, string> podLabels)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(podLabels);
        var selector = service.Spec?.Selector;
        return selector is { Count: > 0 } && selector.All(pair => podLabels.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    /// <summary>The slice of the pod <paramref name="podObject"/>, in <paramref name="state"/>, behind <paramref name="service"/>.</summary>
    public static V1EndpointSlice Build(V1Service service, V1Pod podObject, PodState state, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(podObject);
        ArgumentNullException.ThrowIfNull(state);
        var ports = service.Spec.Ports ?? [];
        return new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new V1ObjectMeta
            {
                Name = Name(service.Metadata.Name, podObject.Metadata.Name),
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string> { [ServiceNameLabel] = service.Metadata.Name, [ManagedByLabel] = ManagedBy },
                OwnerReferences = [Owner("v1", "Service", service.Metadata)],
            },
            AddressType = "IPv4",
            Endpoints =
            [
                new V1Endpoint
                {
                    Addresses = [PodManifest.LoopbackAddress],
                    Conditions = new V1EndpointConditions
                    {
                        Ready = state.IsReady && !state.IsTerminating,
                        Serving = state.Phase == ContainerPhase.Running && (state.IsReady || state.IsTerminating),
                        Terminating = state.IsTerminating,
                    },
                    NodeName = nodeName,
                    TargetRef = new V1ObjectReference { Kind = "Pod", Name = podObject.Metadata.Name, NamespaceProperty = podObject.Metadata.NamespaceProperty, Uid = podObject.Metadata.Uid },
                },
            ],
            Ports = ports.Select(port => new Discoveryv1EndpointPort { Name = port.Name ?? "", Port = state.Port, Protocol = port.Protocol ?? "TCP" }).ToList(),
        };
    }

    /// <summary>A controller owner reference to the object with <paramref name="owner"/>'s metadata.</summary>
    public static V1OwnerReference Owner(string apiVersion, string kind, V1ObjectMeta owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new V1OwnerReference { ApiVersion = apiVersion, Kind = kind, Name = owner.Name, Uid = owner.Uid, BlockOwnerDeletion = true, Controller = true };
    }

    /// <summary>The slice name: the Service's and the pod's, joined.</summary>
    public static string Name(string service, string pod) => $"{service}-{pod}";
}

// What a runner needs to start one container: the pod's identity and labels, the container as written, and its
// environment already resolved (secretKeyRef values read from the store's Secrets).
using k8s.Models;

namespace Parley.LocalCluster.Containers;

/// <param name="Namespace">The pod's namespace.</param>
/// <param name="PodName">The pod's name, for logs and the temporary files of the process.</param>
/// <param name="PodLabels">The pod's labels; <c>app.kubernetes.io/component</c> says which program the container is.</param>
/// <param name="Container">The container spec as the Deployment's template has it.</param>
/// <param name="Environment">Name to value, in the container's order, references resolved.</param>
public sealed record ContainerLaunch(
    string Namespace, string PodName, IReadOnlyDictionary<string, string> PodLabels, V1Container Container, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>Mount paths of ConfigMap and Secret volumes and the local folders that hold their files.</summary>
    public IReadOnlyDictionary<string, string> Mounts { get; init; } = new Dictionary<string, string>();

    /// <summary>The label whose value names the program: worker, router or ui.</summary>
    public const string ComponentLabel = "app.kubernetes.io/component";

    public string? Component => PodLabels.GetValueOrDefault(ComponentLabel);
}

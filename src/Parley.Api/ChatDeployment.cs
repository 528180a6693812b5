// The ChatDeployment custom resource: one chat model served on Kubernetes GPUs, with its UI.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Parley.Api.Spec;
using Parley.Api.Status;

namespace Parley.Api;

/// <summary>
/// A chat LLM served on a GPU node: an inference worker tuned to the GPU it lands on, plus an Open WebUI pod.
/// </summary>
[KubernetesEntity(Group = Group, ApiVersion = Version, Kind = KindValue, PluralName = Plural)]
public sealed class ChatDeployment : IKubernetesObject<V1ObjectMeta>, ISpec<ChatDeploymentSpec>, IStatus<ChatDeploymentStatus?>
{
    public const string Group = "parley.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersionValue = Group + "/" + Version;
    public const string KindValue = "ChatDeployment";
    public const string Plural = "chatdeployments";
    public const string Singular = "chatdeployment";
    public const string ShortName = "chat";

    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiVersionValue;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindValue;

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What to serve and how: the model, the inference worker, the chat UI and monitoring.</summary>
    [JsonPropertyName("spec")]
    public ChatDeploymentSpec Spec { get; set; } = new();

    /// <summary>What the operator decided and observed: the tuning plan, conditions, endpoints and replica counts.</summary>
    [JsonPropertyName("status")]
    public ChatDeploymentStatus? Status { get; set; }

    /// <summary>True once deletion was requested and finalizers are running.</summary>
    [JsonIgnore]
    public bool IsBeingDeleted => Metadata.DeletionTimestamp is not null;
}

/// <summary>A list of ChatDeployments, as the API server returns it.</summary>
public sealed class ChatDeploymentList : IKubernetesObject<V1ListMeta>, IItems<ChatDeployment>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ChatDeployment.ApiVersionValue;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = ChatDeployment.KindValue + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<ChatDeployment> Items { get; set; } = [];
}

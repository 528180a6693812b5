using System.ComponentModel.DataAnnotations;
using k8s.Models;

namespace Parley.Api.Spec;

/// <summary>The chat UI: Open WebUI configured for the worker's OpenAI-compatible API.</summary>
public sealed class UiSpec
{
    /// <summary>Whether the UI runs. Default true.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Open WebUI image; defaults to the version Parley is tested with.</summary>
    [MinLength(1)]
    public string? Image { get; set; }

    /// <summary>The volume for chats, users and settings.</summary>
    public UiPersistenceSpec? Persistence { get; set; }

    /// <summary>Whether users must sign in. Open WebUI can only turn this off on a fresh install. Default true.</summary>
    public bool? Auth { get; set; }

    /// <summary>How the UI is exposed inside the cluster.</summary>
    public UiServiceSpec? Service { get; set; }

    /// <summary>How the UI is exposed outside the cluster.</summary>
    public UiIngressSpec? Ingress { get; set; }

    /// <summary>CPU and memory for the UI container.</summary>
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>Extra environment for Open WebUI (its settings are read from env at every start). The variables the
    /// operator sets cannot be given here: the worker connection (OPENAI_API_BASE_URL, OPENAI_API_KEY,
    /// ENABLE_OPENAI_API, ENABLE_OLLAMA_API, DEFAULT_MODELS, BYPASS_MODEL_ACCESS_CONTROL), the keys and accounts
    /// (WEBUI_SECRET_KEY, WEBUI_AUTH, WEBUI_ADMIN_EMAIL, WEBUI_ADMIN_NAME, WEBUI_ADMIN_PASSWORD, ENABLE_SIGNUP),
    /// ENABLE_PERSISTENT_CONFIG and the telemetry switches (ANONYMIZED_TELEMETRY, DO_NOT_TRACK, SCARF_NO_ANALYTICS).
    /// For a model whose chat template shows no tools the operator sets DEFAULT_MODEL_METADATA to turn Open WebUI's
    /// builtin tools off; a DEFAULT_MODEL_METADATA given here replaces that default.</summary>
    public List<V1EnvVar>? Env { get; set; }

    /// <summary>The Open WebUI variables the operator sets, which <see cref="Env"/> cannot override.</summary>
    public static IReadOnlyList<string> OperatorOwnedEnv { get; } =
    [
        "OPENAI_API_BASE_URL", "OPENAI_API_KEY", "ENABLE_OPENAI_API", "ENABLE_OLLAMA_API", "DEFAULT_MODELS", "BYPASS_MODEL_ACCESS_CONTROL",
        "WEBUI_SECRET_KEY", "WEBUI_AUTH", "WEBUI_ADMIN_EMAIL", "WEBUI_ADMIN_NAME", "WEBUI_ADMIN_PASSWORD", "ENABLE_SIGNUP", "ENABLE_PERSISTENT_CONFIG",
        "ANONYMIZED_TELEMETRY", "DO_NOT_TRACK", "SCARF_NO_ANALYTICS",
    ];
}

/// <summary>The UI's data volume.</summary>
public sealed class UiPersistenceSpec
{
    /// <summary>Size of the data volume. Default <c>2Gi</c>.</summary>
    [RegularExpression(Names.QuantityPattern)]
    public string? Size { get; set; }

    /// <summary>Storage class; unset uses the cluster's default.</summary>
    public string? StorageClassName { get; set; }

    /// <summary>Keep the data volume when the ChatDeployment is deleted, so chats survive a re-create. Default true.</summary>
    public bool? RetainOnDelete { get; set; }
}

/// <summary>The UI's Service.</summary>
public sealed class UiServiceSpec
{
    /// <summary>Service type. Default <c>ClusterIP</c>.</summary>
    public UiServiceType? Type { get; set; }

    /// <summary>Service port. Default 80.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}

/// <summary>An Ingress for the UI.</summary>
public sealed class UiIngressSpec
{
    /// <summary>Whether the Ingress is created. Default false.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Host name the UI answers on.</summary>
    [RegularExpression(Names.HostPattern)]
    public string? Host { get; set; }

    /// <summary>Ingress class name.</summary>
    public string? ClassName { get; set; }

    /// <summary>Secret with the TLS certificate for the host; unset serves plain HTTP.</summary>
    public string? TlsSecretName { get; set; }

    /// <summary>Annotations for the Ingress controller.</summary>
    public IDictionary<string, string>? Annotations { get; set; }
}

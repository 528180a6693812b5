// Environment variables the operator sets in the worker container. They carry the worker's credentials and where it
// keeps model files; spec.worker.env must not replace them (a later entry with the same name wins in Kubernetes, and an
// empty VLLM_API_KEY would turn authentication off). One table for the builder and for validation.
namespace Parley.Api;

/// <summary>The names of operator-owned worker environment variables, and the spec field to use instead.</summary>
public static class OperatorEnvironment
{
    /// <summary>The worker's API key (read like vLLM's), from spec.worker.apiKeySecretRef or the generated Secret.</summary>
    public const string ApiKey = "VLLM_API_KEY";

    /// <summary>The Hugging Face home, on the model cache volume.</summary>
    public const string HfHome = "HF_HOME";

    /// <summary>The Hugging Face token, from spec.model.hfTokenSecretRef.</summary>
    public const string HfToken = "HF_TOKEN";

    /// <summary>Each owned name and what to set instead of overriding it.</summary>
    public static IReadOnlyDictionary<string, string> Worker { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ApiKey] = "set spec.worker.apiKeySecretRef to choose the key",
        [HfHome] = "set spec.worker.cache to choose where model files are kept",
        [HfToken] = "set spec.model.hfTokenSecretRef to pass a Hugging Face token",
    };
}

// The worker's environment: the API key and Hugging Face token from Secrets, the hub cache location, the user's extras.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds the worker container's environment.</summary>
public static class WorkerEnvironment
{
    /// <summary>The variable the worker (like vLLM) reads its API key from, so the key never appears in args.</summary>
    public const string ApiKeyVariable = "VLLM_API_KEY";

    public static List<V1EnvVar> Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var env = new List<V1EnvVar>
        {
            new() { Name = ApiKeyVariable, ValueFrom = new V1EnvVarSource { SecretKeyRef = Credentials.ApiKeyReference(context) } },
            new() { Name = "HF_HOME", Value = $"{WorkerArgs.ModelCachePath}/huggingface" },
        };
        if (context.Spec.Model.HfTokenSecretRef is { } token)
        {
            env.Add(new V1EnvVar { Name = "HF_TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = token } });
        }

        env.AddRange(context.Worker.Env ?? []);
        return env;
    }
}

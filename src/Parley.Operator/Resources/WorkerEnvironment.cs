// The worker's environment: the API key and Hugging Face token from Secrets, the hub cache location, the user's extras.
// The operator's names are Parley.Api's OperatorEnvironment, which validation keeps out of the user's extras.
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Resources;

/// <summary>Builds the worker container's environment.</summary>
public static class WorkerEnvironment
{
    /// <summary>The variable the worker (like vLLM) reads its API key from, so the key never appears in args.</summary>
    public const string ApiKeyVariable = OperatorEnvironment.ApiKey;

    public static List<V1EnvVar> Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var env = new List<V1EnvVar>
        {
            new() { Name = ApiKeyVariable, ValueFrom = new V1EnvVarSource { SecretKeyRef = Credentials.ApiKeyReference(context) } },
            new() { Name = OperatorEnvironment.HfHome, Value = $"{WorkerArgs.ModelCachePath}/huggingface" },
        };
        if (context.Spec.Model.HfTokenSecretRef is { } token)
        {
            env.Add(new V1EnvVar { Name = OperatorEnvironment.HfToken, ValueFrom = new V1EnvVarSource { SecretKeyRef = token } });
        }

        // Validation refuses extras named like the operator's variables; they are dropped here too, for callers that build unvalidated.
        env.AddRange((context.Worker.Env ?? []).Where(extra => !OperatorEnvironment.Worker.ContainsKey(extra.Name)));
        return env;
    }
}

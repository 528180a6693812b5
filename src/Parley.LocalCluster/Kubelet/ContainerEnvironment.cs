// A container's environment as a kubelet resolves it: literal values, Secret and ConfigMap keys read from the store,
// and the pod fields Parley's pods use. A required key that is missing stops the start, as CreateContainerConfigError does.
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.LocalCluster.Api;
using Parley.LocalCluster.Containers;

namespace Parley.LocalCluster.Kubelet;

/// <summary>Resolves <c>env</c> of a container.</summary>
public static class ContainerEnvironment
{
    /// <exception cref="ContainerStartException">A referenced Secret or ConfigMap key is missing and not optional.</exception>
    public static List<KeyValuePair<string, string>> Resolve(ObjectStore store, string ns, string podName, V1Container container)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(container);
        var resolved = new List<KeyValuePair<string, string>>();
        foreach (var variable in container.Env ?? [])
        {
            var value = variable.Value ?? ValueFrom(store, ns, podName, variable);
            if (value is not null)
            {
                resolved.Add(new(variable.Name, value));
            }
        }

        return resolved;
    }

    private static string? ValueFrom(ObjectStore store, string ns, string podName, V1EnvVar variable)
    {
        var from = variable.ValueFrom;
        if (from?.SecretKeyRef is { } secret)
        {
            var encoded = Key(store, "secrets", ns, secret.Name, secret.Key, "data", secret.Optional == true, variable.Name);
            return encoded is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }

        if (from?.ConfigMapKeyRef is { } configMap)
        {
            return Key(store, "configmaps", ns, configMap.Name, configMap.Key, "data", configMap.Optional == true, variable.Name);
        }

        return from?.FieldRef?.FieldPath switch
        {
            "metadata.name" => podName,
            "metadata.namespace" => ns,
            "status.podIP" or "status.hostIP" => PodManifest.LoopbackAddress,
            _ => null,
        };
    }

    private static string? Key(ObjectStore store, string resource, string ns, string name, string key, string field, bool isOptional, string variable)
    {
        var value = (store.Get(resource, ns, name)?[field] as JsonObject)?[key]?.GetValue<string>();
        return value is not null || isOptional
            ? value
            : throw new ContainerStartException($"env {variable}: key '{key}' of {resource[..^1]} '{name}' in namespace '{ns}' does not exist (CreateContainerConfigError).");
    }
}

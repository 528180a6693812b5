// ConfigMap and Secret volumes on a machine without containers: their keys are written as files into a folder per pod
// and volume, and the container's arguments that name a path under the mount (the worker's --chat-template) are pointed
// at that folder. Other volumes (claims, emptyDir) have no local meaning and are left alone.
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.LocalCluster.Api;
using Parley.LocalCluster.Containers;

namespace Parley.LocalCluster.Kubelet;

/// <summary>Writes a pod's ConfigMap and Secret volumes to local folders.</summary>
public static class ConfigVolumes
{
    /// <summary>Writes the volumes <paramref name="container"/> mounts under <paramref name="podFolder"/>; returns mount path to local folder.</summary>
    /// <exception cref="ContainerStartException">A referenced ConfigMap or Secret does not exist and is not optional.</exception>
    public static Dictionary<string, string> Write(ObjectStore store, string ns, V1PodSpec spec, V1Container container, string podFolder)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(container);
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in container.VolumeMounts ?? [])
        {
            var volume = spec.Volumes?.FirstOrDefault(v => v.Name == mount.Name);
            var files = volume switch
            {
                { ConfigMap: { } configMap } => Files(store, "configmaps", ns, configMap.Name, configMap.Items, configMap.Optional == true, isBase64: false),
                { Secret: { } secret } => Files(store, "secrets", ns, secret.SecretName, secret.Items, secret.Optional == true, isBase64: true),
                _ => null,
            };
            if (files is null)
            {
                continue;
            }

            var folder = Path.Combine(podFolder, mount.Name);
            Directory.CreateDirectory(folder);
            foreach (var (relative, content) in files)
            {
                var path = Path.Combine(folder, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, content);
            }

            mounts[mount.MountPath.TrimEnd('/')] = folder;
        }

        return mounts;
    }

    /// <summary>Each argument that is a mount path or a path under one, pointed at the local folder instead.</summary>
    public static List<string> Rewrite(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> mounts)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(mounts);
        var longestFirst = mounts.OrderByDescending(mount => mount.Key.Length).ToList();
        return arguments.Select(argument =>
        {
            foreach (var (mountPath, folder) in longestFirst)
            {
                if (argument == mountPath || argument.StartsWith(mountPath + "/", StringComparison.Ordinal))
                {
                    return folder + argument[mountPath.Length..];
                }
            }

            return argument;
        }).ToList();
    }

    private static List<(string Path, byte[] Content)>? Files(ObjectStore store, string resource, string ns, string name, IList<V1KeyToPath>? items, bool isOptional, bool isBase64)
    {
        var data = store.Get(resource, ns, name)?["data"] as JsonObject;
        if (data is null)
        {
            return isOptional ? [] : throw new ContainerStartException($"volume {resource[..^1]} '{name}' in namespace '{ns}' does not exist.");
        }

        byte[] Bytes(string text) => isBase64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        return items is { Count: > 0 }
            ? items.Where(item => data[item.Key] is not null).Select(item => (item.Path, Bytes(data[item.Key]!.GetValue<string>()))).ToList()
            : data.Select(pair => (pair.Key, Bytes(pair.Value!.GetValue<string>()))).ToList();
    }
}

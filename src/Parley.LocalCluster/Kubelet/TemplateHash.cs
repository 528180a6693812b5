// The pod-template-hash of a Deployment's template: pods made from another template are replaced.
using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace Parley.LocalCluster.Kubelet;

internal static class TemplateHash
{
    /// <summary>Ten lowercase hex digits of the template's SHA-256, the length Kubernetes' hashes have.</summary>
    public static string Of(V1PodTemplateSpec template)
    {
        var json = k8s.KubernetesJson.Serialize(template);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..10];
    }
}

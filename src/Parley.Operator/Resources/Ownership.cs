// The controller owner reference and the spec-hash annotation, set in one place for every owned object.
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Resources;

/// <summary>Marks objects as owned by a ChatDeployment and fingerprints what the operator sets on them.</summary>
public static class Ownership
{
    /// <summary>Annotation holding a hash of everything the operator sets; the applier updates an object only when it differs.</summary>
    public const string SpecHashAnnotation = "parley.dev/spec-hash";

    /// <summary>Set on objects that outlive their ChatDeployment (no owner reference, so garbage collection keeps them).</summary>
    public const string RetainAnnotation = "parley.dev/retain-on-delete";

    /// <summary>Adds the controller owner reference (garbage collection follows the ChatDeployment) and the spec hash.</summary>
    public static T Own<T>(T obj, ChatDeployment chat)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(chat);
        obj.Metadata.OwnerReferences = [ControllerReference(chat)];
        return Stamp(obj);
    }

    /// <summary>Adds the spec hash and the retain annotation, and no owner reference, so deleting the ChatDeployment keeps it.</summary>
    public static T Retain<T>(T obj)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        obj.Metadata.Annotations ??= new Dictionary<string, string>();
        obj.Metadata.Annotations[RetainAnnotation] = "true";
        return Stamp(obj);
    }

    public static V1OwnerReference ControllerReference(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return new V1OwnerReference
        {
            ApiVersion = ChatDeployment.ApiVersionValue,
            Kind = ChatDeployment.KindValue,
            Name = chat.Metadata.Name,
            Uid = chat.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>The hash of an object's JSON without its own hash annotation: 16 hex digits of SHA-256.</summary>
    public static string SpecHash(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var annotations = obj.Metadata.Annotations;
        string? previous = null;
        if (annotations is not null && annotations.TryGetValue(SpecHashAnnotation, out previous))
        {
            annotations.Remove(SpecHashAnnotation);
        }

        var json = KubernetesJson.Serialize(obj);
        if (previous is not null)
        {
            annotations![SpecHashAnnotation] = previous;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

    private static T Stamp<T>(T obj)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        obj.Metadata.Annotations ??= new Dictionary<string, string>();
        obj.Metadata.Annotations[SpecHashAnnotation] = SpecHash(obj);
        return obj;
    }
}

// PersistentVolumeClaims: the UI's data (kept on delete by default, so chats survive) and an optional model cache.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds the claims a ChatDeployment asks for.</summary>
public static class Claims
{
    /// <summary>Open WebUI's data volume: SQLite database, uploads and caches.</summary>
    public static V1PersistentVolumeClaim? UiData(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsUiEnabled)
        {
            return null;
        }

        var persistence = context.Ui.Persistence!;
        var claim = Claim(context, ResourceNames.UiData(context.Chat), Labels.UiComponent, persistence.Size!, persistence.StorageClassName);
        return context.RetainsUiData ? Ownership.Retain(claim) : Ownership.Own(claim, context.Chat);
    }

    /// <summary>A model cache claim when the spec asks for one by size; downloads survive pod restarts.</summary>
    public static V1PersistentVolumeClaim? ModelCache(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Worker.Cache is { ClaimName: null, Size: { } size } cache
            ? Ownership.Own(Claim(context, ResourceNames.ModelCache(context.Chat), Labels.WorkerComponent, size, cache.StorageClassName), context.Chat)
            : null;
    }

    private static V1PersistentVolumeClaim Claim(BuildContext context, string name, string component, string size, string? storageClass) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = context.Namespace, Labels = Labels.For(context.Chat, component) },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
        },
    };
}

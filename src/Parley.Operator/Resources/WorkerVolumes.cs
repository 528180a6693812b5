// The worker's volumes: shared memory, the model cache, a writable /tmp, the chat template, a model on a claim and the
// claims holding LoRA adapters.
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Resources;

/// <summary>Volumes and mounts of the worker pod.</summary>
public static class WorkerVolumes
{
    private const string SharedMemory = "dshm";
    private const string ModelCache = "model-cache";
    private const string Tmp = "tmp";
    private const string ChatTemplate = "chat-template";
    private const string ModelVolume = "model";

    public static List<V1Volume> Volumes(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var volumes = new List<V1Volume>
        {
            // Tensor-parallel and tokenizer workers share memory through /dev/shm; the container default of 64 MiB is too small.
            new() { Name = SharedMemory, EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory", SizeLimit = new ResourceQuantity("1Gi") } },
            new() { Name = ModelCache, PersistentVolumeClaim = CacheClaim(context), EmptyDir = CacheClaim(context) is null ? new V1EmptyDirVolumeSource() : null },
            new() { Name = Tmp, EmptyDir = new V1EmptyDirVolumeSource() },
        };
        if (ChatTemplateSource(context) is { } template)
        {
            volumes.Add(new V1Volume { Name = ChatTemplate, ConfigMap = template });
        }

        if (ModelSource.TryParse(context.Spec.Model.Source, out var source) && source.Kind == ModelSourceKind.PersistentVolumeClaim)
        {
            volumes.Add(new V1Volume { Name = ModelVolume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = source.Id, ReadOnlyProperty = true } });
        }

        volumes.AddRange(WorkerAdapters.Volumes(context));
        return volumes;
    }

    public static List<V1VolumeMount> Mounts(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var mounts = new List<V1VolumeMount>
        {
            new() { Name = SharedMemory, MountPath = "/dev/shm" },
            new() { Name = ModelCache, MountPath = WorkerArgs.ModelCachePath },
            new() { Name = Tmp, MountPath = "/tmp" },
        };
        if (ChatTemplateSource(context) is not null)
        {
            mounts.Add(new V1VolumeMount { Name = ChatTemplate, MountPath = WorkerArgs.ChatTemplateDirectory, ReadOnlyProperty = true });
        }

        if (ModelSource.TryParse(context.Spec.Model.Source, out var source) && source.Kind == ModelSourceKind.PersistentVolumeClaim)
        {
            mounts.Add(new V1VolumeMount { Name = ModelVolume, MountPath = WorkerArgs.ModelVolumePath, ReadOnlyProperty = true });
        }

        mounts.AddRange(WorkerAdapters.Mounts(context));
        return mounts;
    }

    private static V1PersistentVolumeClaimVolumeSource? CacheClaim(BuildContext context) => context.Worker.Cache switch
    {
        { ClaimName: { } claim } => new V1PersistentVolumeClaimVolumeSource { ClaimName = claim },
        { Size: not null } => new V1PersistentVolumeClaimVolumeSource { ClaimName = ResourceNames.ModelCache(context.Chat) },
        _ => null,
    };

    /// <summary>The template file, projected under one fixed name whether it is ours (inline) or the user's ConfigMap.</summary>
    private static V1ConfigMapVolumeSource? ChatTemplateSource(BuildContext context) => context.Spec.Model.ChatTemplate switch
    {
        { Inline: not null } => new V1ConfigMapVolumeSource { Name = ResourceNames.ChatTemplate(context.Chat) },
        { ConfigMapRef: { } reference } => new V1ConfigMapVolumeSource
        {
            Name = reference.Name,
            Items = [new V1KeyToPath { Key = reference.Key, Path = WorkerArgs.ChatTemplateFile }],
        },
        _ => null,
    };
}

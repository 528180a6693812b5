// LoRA adapters in the worker pod: where each adapter's files are, the claims they are read from, and the flags that
// start the worker with them. An adapter is fetched like the base model: a hub id goes to the worker as is and is
// downloaded into the model cache volume (the worker's download dir, HF_HOME for vLLM); a claim is mounted read-only, the
// base model's claim once for both; a local folder (parley-operator dev) is passed as its path.
using System.Globalization;
using k8s.Models;
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Tuning;

namespace Parley.Operator.Resources;

/// <summary>One adapter as the worker sees it.</summary>
/// <param name="Name">The model name clients select it by.</param>
/// <param name="Source">Its source as the spec gives it.</param>
/// <param name="Path">What its <c>--lora-modules</c> entry points at: a folder in the pod, or a hub id.</param>
public sealed record AdapterPlacement(string Name, string Source, string Path);

/// <summary>Builds the adapters' paths, volumes, mounts and worker flags.</summary>
public static class WorkerAdapters
{
    /// <summary>Where each claim holding adapters (other than the base model's) is mounted, under its claim name.</summary>
    public const string ClaimMountRoot = "/mnt/adapters";

    // Volume names are DNS labels of at most 63 characters and claim names are longer: claims are numbered instead.
    private const string ClaimVolumePrefix = "adapters-";

    public static IReadOnlyList<AdapterPlacement> Placements(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var baseClaim = BaseModelClaim(context);
        return (context.Spec.Model.Adapters ?? [])
            .Select(adapter => new AdapterPlacement(adapter.Name, adapter.Source, PathOf(Parse(adapter.Source), baseClaim)))
            .ToList();
    }

    /// <summary>The worker flags that serve the adapters; none without adapters, so such a worker starts as before.</summary>
    public static List<string> Arguments(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Plan.Lora is not { } lora || Placements(context) is not { Count: > 0 } placements)
        {
            return [];
        }

        // One --lora-modules followed by every entry: vLLM reads the flag as a list, and a repeated flag would keep only the last.
        return
        [
            WorkerFlags.EnableLora,
            WorkerFlags.LoraModules, .. placements.Select(adapter => $"{adapter.Name}={adapter.Path}"),
            WorkerFlags.MaxLoras, lora.MaxLoras.ToString(CultureInfo.InvariantCulture),
            WorkerFlags.MaxLoraRank, lora.MaxLoraRank.ToString(CultureInfo.InvariantCulture),
        ];
    }

    public static IEnumerable<V1Volume> Volumes(BuildContext context) =>
        ExtraClaims(context).Select((claim, i) => new V1Volume
        {
            Name = ClaimVolumePrefix + i.ToString(CultureInfo.InvariantCulture),
            PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnlyProperty = true },
        });

    public static IEnumerable<V1VolumeMount> Mounts(BuildContext context) =>
        ExtraClaims(context).Select((claim, i) => new V1VolumeMount
        {
            Name = ClaimVolumePrefix + i.ToString(CultureInfo.InvariantCulture),
            MountPath = $"{ClaimMountRoot}/{claim}",
            ReadOnlyProperty = true,
        });

    /// <summary>Claims holding adapters that are not the base model's claim, each once, in the order first named.</summary>
    private static List<string> ExtraClaims(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var baseClaim = BaseModelClaim(context);
        return (context.Spec.Model.Adapters ?? [])
            .Select(adapter => Parse(adapter.Source))
            .Where(source => source.Kind == ModelSourceKind.PersistentVolumeClaim && source.Id != baseClaim)
            .Select(source => source.Id)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static string PathOf(ModelSource source, string? baseClaim) => source.Kind switch
    {
        ModelSourceKind.PersistentVolumeClaim when source.Id == baseClaim => $"{WorkerArgs.ModelVolumePath}/{source.Path}".TrimEnd('/'),
        ModelSourceKind.PersistentVolumeClaim => $"{ClaimMountRoot}/{source.Id}/{source.Path}".TrimEnd('/'),
        ModelSourceKind.LocalFolder => source.Path,
        _ => source.Id,
    };

    private static string? BaseModelClaim(BuildContext context) =>
        ModelSource.TryParse(context.Spec.Model.Source, out var source) && source.Kind == ModelSourceKind.PersistentVolumeClaim ? source.Id : null;

    private static ModelSource Parse(string text) => ModelSource.TryParse(text, out var source)
        ? source
        : throw new ArgumentException($"An adapter source '{text}' is invalid; validate before building.", nameof(text));
}

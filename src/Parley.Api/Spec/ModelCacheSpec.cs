using System.ComponentModel.DataAnnotations;

namespace Parley.Api.Spec;

/// <summary>
/// Where downloaded model files live. An existing claim is mounted as is; otherwise a size asks the operator for a
/// claim of its own; with neither the files go to an emptyDir and are downloaded again on every pod start.
/// </summary>
public sealed class ModelCacheSpec
{
    /// <summary>Name of an existing PersistentVolumeClaim to keep model files in.</summary>
    [RegularExpression(Names.Dns1123SubdomainPattern)]
    public string? ClaimName { get; set; }

    /// <summary>Size of a claim the operator creates for model files (e.g. <c>20Gi</c>).</summary>
    [RegularExpression(Names.QuantityPattern)]
    public string? Size { get; set; }

    /// <summary>Storage class of the claim the operator creates; unset uses the cluster's default.</summary>
    public string? StorageClassName { get; set; }
}

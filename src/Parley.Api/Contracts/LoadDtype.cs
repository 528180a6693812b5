// Which dtype a worker loads weights in, decided by one rule for the planner (spec.model.dtype) and the worker
// (--dtype): weights are loaded as the checkpoint stores them, never converted, so a request for another dtype is
// refused by name. The planner then sizes exactly what the worker will load.
namespace Parley.Api.Contracts;

/// <summary>The load dtype rule.</summary>
public static class LoadDtype
{
    /// <summary>The canonical name (<c>auto</c>, <c>bfloat16</c>, <c>float16</c>, <c>float32</c>) of a dtype as vLLM's
    /// <c>--dtype</c> or a config.json's <c>torch_dtype</c> spells it, or null when it is none of them.</summary>
    public static string? Canonical(string? name) => name?.ToLowerInvariant() switch
    {
        "auto" => "auto",
        "bfloat16" or "bf16" => "bfloat16",
        "float16" or "half" or "fp16" => "float16",
        "float32" or "float" or "fp32" => "float32",
        _ => null,
    };

    /// <summary>Null when weights stored as <paramref name="checkpointDtype"/> can be served as <paramref name="requested"/>;
    /// otherwise the sentence that refuses it, naming <paramref name="setting"/> (e.g. <c>--dtype</c>).</summary>
    public static string? Refusal(string setting, string requested, string checkpointDtype)
    {
        var wanted = Canonical(requested);
        var stored = Canonical(checkpointDtype) ?? checkpointDtype;
        if (wanted is null)
        {
            return $"{setting} '{requested}' is not one of auto, bfloat16, float16, float32.";
        }

        return wanted == "auto" || wanted == stored
            ? null
            : $"{setting} {wanted} asks for {wanted} weights but the checkpoint stores {stored}, and Parley loads weights as stored " +
              $"(no conversion): set {setting} to auto or {stored}.";
    }
}

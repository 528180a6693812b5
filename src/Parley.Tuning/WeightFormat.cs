// How weights are stored on the GPU: a dense dtype, or GPTQ int4 linear layers with dense everything else.
namespace Parley.Tuning;

/// <summary>The storage of a model's weights on the GPU.</summary>
/// <param name="Dtype">Dtype of dense weights, activations and the KV cache.</param>
/// <param name="Gptq">Set when the decoder's linear layers are GPTQ-packed.</param>
public sealed record WeightFormat(WeightDtype Dtype, GptqConfig? Gptq)
{
    /// <summary>For messages: <c>bfloat16</c>, or <c>GPTQ int4 (group 128)</c>.</summary>
    public string Describe() => Gptq is null
        ? Dtype.Name()
        : $"GPTQ int{Gptq.Bits} (group {(Gptq.GroupSize > 0 ? Gptq.GroupSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : "per column")})";
}

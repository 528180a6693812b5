// GPU memory of LoRA adapters, reserved as vLLM reserves it. vLLM allocates --max-loras adapter slots up front, each
// sized for --max-lora-rank whatever the rank of the adapter that lands in it: for every layer and every target
// projection an A of rank x in and a B of out x rank, in the model's dtype (a GPTQ base keeps fp16 adapters). Every
// projection a PEFT adapter may target is counted, since which ones a later adapter targets is not known up front.
//
//   per slot      = layers x maxLoraRank x sum over q, k, v, o, gate, up, down of (in + out) x dtype bytes
//   adapterBytes  = maxLoras x per slot
//
// The bytes come out of the KV cache's share, before the context is sized from it.
namespace Parley.Tuning;

/// <summary>The adapters a plan serves: how many are declared, how many stay resident, and the rank slots are sized for.</summary>
/// <param name="AdapterCount">Adapters declared in <c>spec.model.adapters</c>.</param>
/// <param name="MaxLoras">Adapter slots on the GPU (<c>--max-loras</c>).</param>
/// <param name="MaxLoraRank">Rank each slot holds (<c>--max-lora-rank</c>).</param>
public sealed record LoraRequest(int AdapterCount, int MaxLoras, int MaxLoraRank);

/// <summary>Bytes of LoRA adapter slots on the GPU.</summary>
public static class AdapterMemory
{
    /// <summary>Bytes of one adapter slot at <paramref name="rank"/> in <paramref name="dtype"/>.</summary>
    public static long BytesPerSlot(ModelArchitecture model, WeightDtype dtype, int rank)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        long perLayer = model.DecoderLinears.Sum(projection => rank * (projection.In + projection.Out));
        return model.NumHiddenLayers * perLayer * dtype.Bytes();
    }

    /// <summary>Bytes of every slot the request keeps resident; 0 without adapters.</summary>
    public static long Bytes(ModelArchitecture model, WeightDtype dtype, LoraRequest? lora) =>
        lora is null ? 0 : lora.MaxLoras * BytesPerSlot(model, dtype, lora.MaxLoraRank);
}

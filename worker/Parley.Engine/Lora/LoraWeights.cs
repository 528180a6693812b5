namespace Parley.Engine.Lora;

/// <summary>One adapted projection: Δy = Scale · B·(A·x), held as two row-per-rank matrices in float32.</summary>
/// <param name="A">[r, in]: PEFT's lora_A, as stored.</param>
/// <param name="BTransposed">[r, out]: PEFT's lora_B [out, r] transposed at load, so the expand step adds r whole
/// rows of the output (one vector add per rank) instead of r-long dot products per output element.</param>
/// <param name="InFeatures">The projection's input width.</param>
/// <param name="OutFeatures">The projection's output width.</param>
public sealed record LoraWeights(float[] A, float[] BTransposed, int InFeatures, int OutFeatures)
{
    public int Rank => A.Length / InFeatures;
}

// Rotary position embedding (Su et al., 2021) in Hugging Face's "rotate half" layout: dimension i pairs with
// i + d/2, rotated by position * inverseFrequency[i]. Llama 3.1 rescales the frequencies (rope_type "llama3"):
// long wavelengths are slowed by `factor`, short ones kept, and the band between blended (transformers'
// _compute_llama3_parameters).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>RoPE for one head size and base.</summary>
public sealed class Rope
{
    private readonly float[] _inverseFrequencies;

    public Rope(int headDim, double theta, Llama3RopeScaling? scaling)
    {
        if (headDim <= 0 || headDim % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "RoPE needs an even head size.");
        }

        HeadDim = headDim;
        _inverseFrequencies = new float[headDim / 2];
        for (var i = 0; i < _inverseFrequencies.Length; i++)
        {
            // As transformers computes it: 1 / theta^(2i/d) in float32.
            var frequency = 1f / MathF.Pow((float)theta, 2f * i / headDim);
            _inverseFrequencies[i] = scaling is null ? frequency : Llama3Scaled(frequency, scaling);
        }
    }

    public int HeadDim { get; }

    /// <summary>The per-pair rotation rates, after any scaling.</summary>
    public ReadOnlySpan<float> InverseFrequencies => _inverseFrequencies;

    /// <summary>Fills the cosines and sines of one position: [HeadDim / 2] each.</summary>
    public void Angles(int position, Span<float> cos, Span<float> sin)
    {
        for (var i = 0; i < _inverseFrequencies.Length; i++)
        {
            var angle = position * _inverseFrequencies[i];
            cos[i] = MathF.Cos(angle);
            sin[i] = MathF.Sin(angle);
        }
    }

    /// <summary>Rotates one head vector in place with a position's <see cref="Angles"/>.</summary>
    public static void Apply(Span<float> head, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        var half = head.Length / 2;
        if (cos.Length < half || sin.Length < half)
        {
            throw new ArgumentException($"A head of {head.Length} needs {half} cosines and sines.", nameof(cos));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // The same operations in the same order as the loop below, eight pairs at a time: the results are identical.
            ref var first = ref MemoryMarshal.GetReference(head);
            ref var second = ref Unsafe.Add(ref first, half);
            for (; i + Vector256<float>.Count <= half; i += Vector256<float>.Count)
            {
                var x1 = Vector256.LoadUnsafe(ref first, (nuint)i);
                var x2 = Vector256.LoadUnsafe(ref second, (nuint)i);
                var c = Vector256.Create(cos.Slice(i, Vector256<float>.Count));
                var s = Vector256.Create(sin.Slice(i, Vector256<float>.Count));
                (x1 * c - x2 * s).StoreUnsafe(ref first, (nuint)i);
                (x2 * c + x1 * s).StoreUnsafe(ref second, (nuint)i);
            }
        }

        for (; i < half; i++)
        {
            float x1 = head[i], x2 = head[i + half];
            head[i] = x1 * cos[i] - x2 * sin[i];
            head[i + half] = x2 * cos[i] + x1 * sin[i];
        }
    }

    private static float Llama3Scaled(float frequency, Llama3RopeScaling scaling)
    {
        var wavelength = 2 * Math.PI / frequency;
        var lowFrequencyWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.LowFreqFactor;
        var highFrequencyWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.HighFreqFactor;
        if (wavelength < highFrequencyWavelength)
        {
            return frequency;
        }

        if (wavelength > lowFrequencyWavelength)
        {
            return (float)(frequency / scaling.Factor);
        }

        var smooth = (scaling.OriginalMaxPositionEmbeddings / wavelength - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
        return (float)((1 - smooth) * frequency / scaling.Factor + smooth * frequency);
    }
}

using System.Runtime.InteropServices;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Backends.Cpu;

// The register tile and the row dot products against their scalar twin: y[t][r] = Σ_i w[r][i]·x[t][i] in double
// precision over the weights as stored. Float32 accumulation in another order stays within 1e-5 of it at these sizes
// (|w| ≤ 0.5, |x| ≤ 1, at most 896 terms); a wrong lane, row, token or tail is off by far more.
public unsafe class TileDotTests
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<int> Lengths() => new(1, 15, 16, 17, 31, 33, 896);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TileDot_EveryTokenCountAndDtype_MatchesTheScalarTwin(int length)
    {
        foreach (var dtype in new[] { SafetensorsDtype.BF16, SafetensorsDtype.F16, SafetensorsDtype.F32 })
        {
            for (var tokens = 1; tokens <= TileDot.MaxTokens; tokens++)
            {
                foreach (var accumulate in new[] { false, true })
                {
                    var problem = new Problem(TileDot.Rows, tokens, length, dtype, seed: length * 31 + tokens);
                    problem.Run((w, rowBytes, x, y) => Tile(dtype, tokens, w, rowBytes, x, length, y, accumulate));
                    problem.Check(accumulate, $"{dtype}, {tokens} tokens, accumulate {accumulate}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void RowDot_OneAndFour_MatchTheScalarTwin(int length)
    {
        foreach (var dtype in new[] { SafetensorsDtype.BF16, SafetensorsDtype.F16, SafetensorsDtype.F32 })
        {
            var problem = new Problem(rows: 1, tokens: 4, length, dtype, seed: length);
            problem.Run((w, _, x, y) =>
            {
                var four = Dot(dtype, w, x, length, four: true);
                for (var t = 0; t < 4; t++)
                {
                    y[t] = four[t];
                }
            });
            problem.Check(accumulate: false, $"{dtype}, four tokens");
            problem.Run((w, _, x, y) =>
            {
                for (var t = 0; t < 4; t++)
                {
                    y[t] = Dot(dtype, w, x + t * length, length, four: false)[0];
                }
            });
            problem.Check(accumulate: false, $"{dtype}, one token at a time");
        }
    }

    [Fact]
    public void TileDot_ATokenCountOutsideTheTile_IsRefused()
    {
        var call = () => TileDot.Multiply<Float32Row>(7, null, 0, null, 0, 0, null, 0, accumulate: false);
        call.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static void Tile(SafetensorsDtype dtype, int tokens, byte* w, long rowBytes, float* x, int length, float* y, bool accumulate)
    {
        switch (dtype)
        {
            case SafetensorsDtype.BF16: TileDot.Multiply<BFloat16Row>(tokens, w, rowBytes, x, length, length, y, TileDot.Rows, accumulate); break;
            case SafetensorsDtype.F16: TileDot.Multiply<Float16Row>(tokens, w, rowBytes, x, length, length, y, TileDot.Rows, accumulate); break;
            default: TileDot.Multiply<Float32Row>(tokens, w, rowBytes, x, length, length, y, TileDot.Rows, accumulate); break;
        }
    }

    private static float[] Dot(SafetensorsDtype dtype, byte* w, float* x, int length, bool four) => dtype switch
    {
        SafetensorsDtype.BF16 => four ? Four<BFloat16Row>(w, x, length) : [RowDot.One<BFloat16Row>(w, x, length)],
        SafetensorsDtype.F16 => four ? Four<Float16Row>(w, x, length) : [RowDot.One<Float16Row>(w, x, length)],
        _ => four ? Four<Float32Row>(w, x, length) : [RowDot.One<Float32Row>(w, x, length)],
    };

    private static float[] Four<TRow>(byte* w, float* x, int length)
        where TRow : IWeightRow
    {
        var sums = RowDot.Four<TRow>(w, x, length, length);
        return [sums[0], sums[1], sums[2], sums[3]];
    }

    /// <summary>Random weights [rows, length] stored in a dtype, activations [tokens, length], outputs [tokens, rows].</summary>
    internal sealed class Problem
    {
        private readonly int _rows;
        private readonly int _tokens;
        private readonly int _length;
        private readonly byte[] _stored;
        private readonly float[] _exact;
        private readonly float[] _x;
        private readonly float[] _y;

        public Problem(int rows, int tokens, int length, SafetensorsDtype dtype, int seed)
        {
            (_rows, _tokens, _length) = (rows, tokens, length);
            var random = new Random(seed);
            var weights = Enumerable.Range(0, rows * length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            (_stored, _exact) = StoredWeights.Store(weights, dtype);
            _x = Enumerable.Range(0, tokens * length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            _y = new float[tokens * rows];
        }

        public delegate void Kernel(byte* w, long rowBytes, float* x, float* y);

        public void Run(Kernel kernel)
        {
            _y.AsSpan().Fill(0.25f);
            fixed (byte* w = _stored)
            fixed (float* x = _x, y = _y)
            {
                kernel(w, _stored.Length / _rows, x, y);
            }
        }

        public void Check(bool accumulate, string because)
        {
            for (var t = 0; t < _tokens; t++)
            {
                for (var r = 0; r < _rows; r++)
                {
                    var expected = (accumulate ? 0.25 : 0) + Enumerable.Range(0, _length).Sum(i => (double)_exact[r * _length + i] * _x[t * _length + i]);
                    _y[t * _rows + r].Should().BeApproximately((float)expected, Tolerance, $"{because}: token {t}, row {r} of length {_length}");
                }
            }
        }
    }
}

/// <summary>Weights as a checkpoint stores them, and the exact values those bytes hold.</summary>
internal static class StoredWeights
{
    public static (byte[] Stored, float[] Exact) Store(float[] values, SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.BF16 => (MemoryMarshal.AsBytes(values.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray().AsSpan()).ToArray(),
            values.Select(v => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFF0000)).ToArray()),
        SafetensorsDtype.F16 => (MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray(), values.Select(v => (float)(Half)v).ToArray()),
        _ => (MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values),
    };
}

using System.Runtime.Intrinsics;
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Tests.Backends.Cpu;

public class KernelTests
{
    public static TheoryData<int> Lengths() => new(0, 1, 7, Vector256<ushort>.Count - 1, Vector256<ushort>.Count, Vector256<ushort>.Count + 1, 33, 4096);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void WidenBFloat16_AllLengthsIncludingZero_MatchesTheScalarReference(int length)
    {
        var random = new Random(length);
        var source = Enumerable.Range(0, length).Select(_ => (ushort)random.Next(0, 65536)).ToArray();
        var destination = new float[length];

        Widen.BFloat16(source, destination);

        for (var i = 0; i < length; i++)
        {
            BitConverter.SingleToUInt32Bits(destination[i]).Should().Be((uint)source[i] << 16, $"element {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void WidenFloat16_AllLengths_MatchesSystemHalf(int length)
    {
        var random = new Random(length);
        var source = Enumerable.Range(0, length).Select(_ => (Half)(random.NextDouble() * 200 - 100)).ToArray();
        var destination = new float[length];

        Widen.Float16(source, destination);

        destination.Should().Equal(source.Select(h => (float)h));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void RmsNorm_AllLengthsIncludingZero_MatchesTheDoubleReference(int length)
    {
        var random = new Random(length + 1);
        var x = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var weight = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() + 0.5)).ToArray();
        var destination = new float[length];

        RmsNorm.Apply(x, weight, 1e-6f, destination);

        var rms = length == 0 ? 1 : Math.Sqrt(x.Sum(v => (double)v * v) / length + 1e-6);
        var maxDiff = Enumerable.Range(0, length).Select(i => Math.Abs(destination[i] - x[i] / rms * weight[i])).DefaultIfEmpty(0).Max();
        maxDiff.Should().BeLessThan(1e-5, "float32 accumulation stays within 1e-5 of the double reference");
    }

    [Fact]
    public void RmsNorm_MismatchedWeight_IsRejected()
    {
        var apply = () => RmsNorm.Apply(new float[4], new float[3], 1e-6f, new float[4]);

        apply.Should().Throw<ArgumentException>();
    }
}

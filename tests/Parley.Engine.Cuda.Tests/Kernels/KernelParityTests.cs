// The small elementwise and normalising kernels, each alone against its CPU twin on the emulated CUDA: whole-model parity
// says that something differs, these say which kernel. Widths are odd and not multiples of the block size, so tails are
// exercised.
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Cuda.Tests.Kernels;

public sealed class KernelParityTests : KernelHarness
{
    [Theory]
    [InlineData(1, 64)]
    [InlineData(3, 257)]
    public void AddRmsNorm_MatchesResidualAddThenRmsNorm(int rows, int width)
    {
        float[] residual = Random(rows * width), delta = Random(rows * width), weight = Random(width);
        ulong h = Upload(residual), d = Upload(delta), w = Upload(weight), output = Upload(new float[rows * width]);

        Ops.AddRmsNorm(h, d, 0, w, 1e-6f, width, output, CudaDtype.Float32, rows);

        var expected = new float[rows * width];
        var sums = residual.Zip(delta, (a, b) => a + b).ToArray();
        for (var row = 0; row < rows; row++)
        {
            RmsNorm.Apply(sums.AsSpan(row * width, width), weight, 1e-6f, expected.AsSpan(row * width, width));
        }

        Check("add_rmsnorm residual", Download(h, rows * width), sums);
        Check("add_rmsnorm output", Download(output, rows * width), expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void SiluAndMul_MatchesTheCpuKernel(int count)
    {
        float[] gate = Random(count), up = Random(count);
        ulong g = Upload(gate), u = Upload(up), output = Upload(new float[count]);

        Ops.SiluAndMul(g, u, count, output, CudaDtype.Float32);

        var expected = new float[count];
        SiluAndMul.Apply(gate, up, expected);
        Check("silu_and_mul", Download(output, count), expected);
    }
}

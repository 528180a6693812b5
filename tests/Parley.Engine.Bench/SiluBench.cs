// SiLU times up (SiluAndMul) over Qwen2-0.5B's MLP width at 16 tokens, on one core, against the same arithmetic in
// library calls (TensorPrimitives.Sigmoid and two Multiply), which it took before FastExp. Each figure is the best of
// 7 passes of 500 calls.
//
//   dotnet run -c Release --project tests/Parley.Engine.Bench -- silu
using System.Diagnostics;
using System.Numerics.Tensors;
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Bench;

internal static class SiluBench
{
    private const int Elements = 16 * 4864;
    private const int Passes = 7;
    private const int Calls = 500;

    public static int Run()
    {
        var random = new Random(1);
        var gate = Enumerable.Range(0, Elements).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        var up = Enumerable.Range(0, Elements).Select(_ => (float)random.NextDouble()).ToArray();
        var output = new float[Elements];
        var parley = Best(() => SiluAndMul.Apply(gate, up, output));
        var library = Best(() =>
        {
            TensorPrimitives.Sigmoid(gate, output);
            TensorPrimitives.Multiply(output, gate, output);
            TensorPrimitives.Multiply(output, up, output);
        });

        Console.WriteLine($"SiluAndMul over 16 x 4864 floats, one core ({(FastExp.IsSupported ? "FastExp" : "library calls: no AVX-512 here")})");
        Console.WriteLine("| kernel | µs a call | ns an element |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| Parley | {parley:0.0} | {parley * 1000 / Elements:0.000} |");
        Console.WriteLine($"| library calls | {library:0.0} | {library * 1000 / Elements:0.000} |");
        Console.WriteLine($"ratio (library / Parley): {library / parley:0.00}");
        return 0;
    }

    private static double Best(Action call)
    {
        var best = double.MaxValue;
        for (var pass = 0; pass < Passes; pass++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < Calls; i++)
            {
                call();
            }

            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / Calls);
        }

        return best;
    }
}

// The native tiles alone, on one core, with their weights in L2 (256 rows of 896): GFLOP/s of 4-row tiles of 4 to 6
// tokens for each kernel this CPU runs, of the panel tiles (16 rows) of 4, 6, 8 and 16 tokens, and BFloat16Dot.Speedup,
// the timing by which the bf16 products choose between VDPBF16PS and widening (CpuBackendOptions.BFloat16Kernel).
// Each figure is the best of 7 passes of 200 sweeps.
//
//   dotnet run -c Release --project tests/Parley.Engine.Bench -- tiles
using System.Diagnostics;
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Bench;

internal static unsafe class TileBench
{
    private const int Rows = 256;
    private const int Length = 896;
    private const int Passes = 7;
    private const int Sweeps = 200;

    private delegate void TileCall(int rows, int tokens, ushort* w, float* y);

    public static int Run()
    {
        var random = new Random(1);
        var weights = Enumerable.Range(0, Rows * Length).Select(_ => (ushort)(0x3C00 + random.Next(0, 0x300))).ToArray(); // finite in bf16 and f16 alike
        var activations = Enumerable.Range(0, WeightPanels.MaxTokens * Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var bits = new ushort[activations.Length];
        var split = new float[NativeKernels.MaxTokens * BFloat16WidenedDot.Stride(Length)];
        var y = new float[WeightPanels.MaxTokens * Rows];
        fixed (float* x = activations, s = split, yp = y)
        fixed (ushort* w = weights, b = bits)
        {
            var xp = x;
            var sp = s;
            var bp = b;
            if (BFloat16Dot.IsAvailable)
            {
                BFloat16Dot.Round(x, b, activations.Length);
                Console.WriteLine($"VDPBF16PS speedup over float32 multiply-adds (BFloat16Kernel.Auto takes it above 1): {BFloat16Dot.Speedup:0.00}");
            }

            if (BFloat16WidenedDot.IsAvailable)
            {
                BFloat16WidenedDot.RoundSplit(x, s, Length, NativeKernels.MaxTokens);
            }

            Console.WriteLine();
            Console.WriteLine("| kernel | 4x4 GFLOP/s | 4x5 | 4x6 |");
            Console.WriteLine("|---|---|---|---|");
            Report("bf16 VDPBF16PS", BFloat16Dot.IsAvailable, BFloat16Dot.Status, w, yp,
                (rows, tokens, wr, yr) => BFloat16Dot.Tile(rows, tokens, wr, Length, bp, Length, Length, yr, Rows, accumulate: false));
            Report("bf16 widened", BFloat16WidenedDot.IsAvailable, BFloat16WidenedDot.Status, w, yp,
                (rows, tokens, wr, yr) => BFloat16WidenedDot.Tile(rows, tokens, wr, Length, sp, BFloat16WidenedDot.Stride(Length), Length, yr, Rows, accumulate: false));
            Report("f16", Float16Dot.IsAvailable, Float16Dot.Status, w, yp,
                (rows, tokens, wr, yr) => Float16Dot.Tile(rows, tokens, wr, Length, xp, Length, Length, yr, Rows, accumulate: false));

            // The panel tiles read one token tile's activations interleaved (the rows above, as they are: the same work).
            Console.WriteLine();
            Console.WriteLine("| panel kernel | 16x4 GFLOP/s | 16x6 | 16x8 | 16x16 |");
            Console.WriteLine("|---|---|---|---|---|");
            ReportPanels("f16 panels", PanelDtype.Float16, w, xp, yp);
            ReportPanels("bf16 panels", PanelDtype.BFloat16, w, xp, yp);
        }

        return 0;
    }

    private static void Report(string kernel, bool available, string status, ushort* w, float* y, TileCall call)
    {
        if (!available)
        {
            Console.WriteLine($"| {kernel} | unavailable: {status} | | |");
            return;
        }

        var rates = Enumerable.Range(4, 3).Select(tokens => Enumerable.Range(0, Passes).Max(_ => Rate(tokens, w, y, call)));
        Console.WriteLine($"| {kernel} | {string.Join(" | ", rates.Select(rate => $"{rate:0.0}"))} |");
    }

    private static void ReportPanels(string kernel, PanelDtype dtype, ushort* w, float* x, float* y)
    {
        if (!WeightPanels.IsAvailable)
        {
            Console.WriteLine($"| {kernel} | unavailable: {WeightPanels.Status} | | | |");
            return;
        }

        var rates = new[] { 4, 6, 8, 16 }.Select(tokens => Enumerable.Range(0, Passes).Max(_ => Rate(tokens, w, y,
            (rows, count, wr, yr) => WeightPanels.Tile(dtype, rows, count, wr, Length, x, yr, Rows, accumulate: false, stored: 0xFFFF), WeightPanels.Lanes)));
        Console.WriteLine($"| {kernel} | {string.Join(" | ", rates.Select(rate => $"{rate:0.0}"))} |");
    }

    private static double Rate(int tokens, ushort* w, float* y, TileCall call, int tileRows = NativeKernels.MaxRows)
    {
        var clock = Stopwatch.StartNew();
        for (var sweep = 0; sweep < Sweeps; sweep++)
        {
            for (var r = 0; r < Rows; r += tileRows)
            {
                call(tileRows, tokens, w + (long)r * Length, y + r);
            }
        }

        return 2.0 * Rows * Length * tokens * Sweeps / clock.Elapsed.TotalSeconds / 1e9;
    }
}

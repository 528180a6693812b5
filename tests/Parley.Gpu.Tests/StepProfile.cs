// One forward pass of a benchmark model between cuProfilerStart and cuProfilerStop, so that
// `ncu --profile-from-start off --print-summary per-kernel` times every kernel of exactly that pass: where a decode step's
// milliseconds go, kernel by kernel, which the end-to-end figures of `bench` cannot say. Warm steps run first, so the
// profiled decode step is a graph replay as in serving (ncu profiles a graph's kernels one by one).
//   profile qwen2-1.5b|llama-3-8b-gptq decode1|decode64|prefill1000
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Models;
using Parley.Testing.Models;
using static Parley.Gpu.Tests.Calls;

namespace Parley.Gpu.Tests;

internal static class StepProfile
{
    private const int Context = 128;

    public static int Run(string[] args)
    {
        var spec = args.FirstOrDefault() switch
        {
            "qwen2-1.5b" => CudaBench.Qwen2_1_5B,
            "llama-3-8b-gptq" => CudaBench.Llama3_8B with { Gptq = new TinyGptq(128) },
            _ => null,
        };
        var step = args.ElementAtOrDefault(1);
        if (spec is null || step is not ("decode1" or "decode64" or "prefill1000"))
        {
            Console.Error.WriteLine("usage: parley-gpu-tests profile qwen2-1.5b|llama-3-8b-gptq decode1|decode64|prefill1000");
            return 64;
        }

        using var folder = new TinyCheckpointFolder(spec);
        using var backend = CudaBackend.Load(folder.Path, new CudaBackendOptions
        {
            MaxBatchedTokens = 2048, MaxSequences = 64, MaxModelLen = 2048, PtxCacheDirectory = TinyBackends.PtxCache,
        });
        Action pass;
        if (step == "prefill1000")
        {
            var prompt = RandomTokens(1000, seed: 1);
            var table = Blocks(1, 1000);
            pass = () => Forward(backend, (prompt, 0, table));
        }
        else
        {
            var sequences = step == "decode1" ? 1 : 64;
            var tables = Enumerable.Range(0, sequences).Select(s => Blocks(1 + (s * 16), Context + 16)).ToArray();
            for (var first = 0; first < sequences; first += 8)
            {
                Forward(backend, Enumerable.Range(first, Math.Min(8, sequences - first)).Select(s => (RandomTokens(Context, s), 0, tables[s])).ToArray());
            }

            var position = Context;
            pass = () =>
            {
                Forward(backend, tables.Select((table, s) => (new[] { (position + s) % 259 }, position, table)).ToArray());
                position++;
            };
        }

        for (var warm = 0; warm < 3; warm++)
        {
            pass();
        }

        CudaCheck.Driver(CuDriver.cuProfilerStart());
        pass();
        CudaCheck.Driver(CuDriver.cuProfilerStop());
        Console.WriteLine($"profiled one {step} pass of {args[0]}");
        return 0;
    }
}

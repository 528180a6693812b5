// The CUDA backend with LoRA adapters against the CPU backend with the same adapters, end to end on the emulated
// CUDA: a prefill batch mixing two adapters and the base, then decode steps through the captured graph, with an
// adapter swapped into a slot between steps (the graph must read the slot's new weights). Tolerances as ParityChecks:
// 1e-4 of the largest |logit| on f32 checkpoints, 2^-8 on GPTQ ones (f16 activations), 2^-6 on bf16 ones.
using Parley.Engine.Backends;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Lora;
using Parley.Engine.Models;
using Parley.Gpu.Tests;
using Parley.Testing;
using Parley.Testing.Models;
using static Parley.Gpu.Tests.Calls;

namespace Parley.Engine.Cuda.Tests;

public class CudaLoraParityTests
{
    static CudaLoraParityTests() => CudaEmulator.UseInThisProcess();

    [Theory]
    [InlineData("qwen2", "F32", 1e-4)]
    [InlineData("llama", "BF16", 1.0 / 64)]
    [InlineData("llama", "GPTQ", 1.0 / 256)]
    public void MixedAdapterBatchesAndGraphDecode_MatchTheCpuBackend(string modelType, string dtype, double tolerance)
    {
        var spec = dtype == "GPTQ"
            ? new TinyModelSpec { ModelType = modelType, HiddenSize = 256, IntermediateSize = 512, Gptq = new TinyGptq(128) }
            : new TinyModelSpec { ModelType = modelType, Dtype = Enum.Parse<SafetensorsDtype>(dtype) };
        using var model = new TinyCheckpointFolder(spec);
        var config = ModelConfig.Load(model.Path);
        using var loraA = new TinyLoraFolder(model.Path, new TinyLoraSpec { Rank = 8 }, seed: 1);
        using var loraB = new TinyLoraFolder(model.Path, new TinyLoraSpec { Rank = 4, UseRsLora = true, TargetModules = ["q_proj", "v_proj", "down_proj"] }, seed: 2);
        using var loraC = new TinyLoraFolder(model.Path, new TinyLoraSpec { Rank = 16, TargetModules = ["o_proj", "gate_proj"] }, seed: 3);
        LoraAdapter[] adapters = [LoraAdapter.Load("a", loraA.Path, config), LoraAdapter.Load("b", loraB.Path, config), LoraAdapter.Load("c", loraC.Path, config)];
        using var cpu = CpuBackend.Load(model.Path, new CpuBackendOptions { KvBlockCount = 64, MaxBatchedTokens = 256, MaxSequences = 8, MaxModelLen = 512, MaxLoras = 2 });
        using var cuda = CudaBackend.Load(model.Path, new CudaBackendOptions
        {
            KvBlockCount = 64, MaxBatchedTokens = 256, MaxSequences = 8, MaxModelLen = 512, PtxCacheDirectory = TinyBackends.PtxCache, MaxLoras = 2,
        });
        IBackend[] backends = [cpu, cuda];
        foreach (var backend in backends)
        {
            backend.SetLoraAdapter(0, adapters[0]);
            backend.SetLoraAdapter(1, adapters[1]);
        }

        int[] slots = [0, -1, 1];
        var prompts = new[] { RandomTokens(21, 1), RandomTokens(9, 2), RandomTokens(30, 3) };
        var tables = new[] { Blocks(1, 64), Blocks(5, 64), Blocks(9, 64) };
        var failures = new List<string>();
        Compare("prefill", backends.Select(b => Run(b, prompts.Select((p, i) => (p, 0, tables[i], slots[i])).ToArray())).ToArray(), tolerance, failures);
        for (var step = 0; step < 3; step++)
        {
            if (step == 2)
            {
                // Slot 1 now holds another adapter: a replayed graph must serve it.
                Array.ForEach(backends, backend => backend.SetLoraAdapter(1, adapters[2]));
            }

            var decode = prompts.Select((p, i) => (new[] { (step * 7) + i }, p.Length + step, tables[i], slots[i])).ToArray();
            Compare($"decode {step}", backends.Select(b => Run(b, decode)).ToArray(), tolerance, failures);
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public void ASlotWithoutAnAdapter_IsRefusedOnTheHost()
    {
        using var model = new TinyCheckpointFolder(new TinyModelSpec { ModelType = "qwen2", Dtype = SafetensorsDtype.F32 });
        using var cuda = CudaBackend.Load(model.Path, new CudaBackendOptions
        {
            KvBlockCount = 16, MaxBatchedTokens = 64, MaxSequences = 4, MaxModelLen = 128, PtxCacheDirectory = TinyBackends.PtxCache, MaxLoras = 2,
        });

        var run = () => Run(cuda, ([1, 2, 3], 0, [1], 1));

        run.Should().Throw<ArgumentException>().WithMessage("*LoRA slot 1, which holds no adapter*");
    }

    private static void Compare(string what, float[][] results, double tolerance, List<string> failures)
    {
        var (cpu, cuda) = (results[0], results[1]);
        var scale = cpu.Max(value => Math.Abs((double)value));
        var index = Enumerable.Range(0, cpu.Length).MaxBy(i => Math.Abs((double)cpu[i] - cuda[i]));
        var relative = Math.Abs((double)cpu[index] - cuda[index]) / scale;
        if (relative > tolerance)
        {
            failures.Add($"{what}: maxdiff {relative:E2} of max |logit| > {tolerance:E2} at {index}: CUDA {cuda[index]} vs CPU {cpu[index]}");
        }
    }

    private static float[] Run(IBackend backend, params (int[] Tokens, int Start, int[] Blocks, int Slot)[] sequences)
    {
        var offset = 0;
        var batch = new List<BatchSequence>();
        foreach (var (tokens, start, blocks, slot) in sequences)
        {
            batch.Add(new BatchSequence(offset, tokens.Length, start, blocks, ReturnsLogits: true, slot));
            offset += tokens.Length;
        }

        var logits = new float[sequences.Length * backend.Config.VocabSize];
        backend.Forward(new ForwardBatch(batch, sequences.SelectMany(s => s.Tokens).ToArray()), logits);
        return logits;
    }
}

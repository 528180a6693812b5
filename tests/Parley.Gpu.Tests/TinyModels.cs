// Both backends over the same tiny checkpoint, and the calls the checks make.
using Parley.Engine.Backends;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Models;
using Parley.Testing.Models;

namespace Parley.Gpu.Tests;

/// <summary>Both backends over one tiny checkpoint, with the settings every parity check uses.</summary>
internal static class TinyBackends
{
    /// <summary>One kernel cache for the whole run: every backend the checks open compiles each kernel file once.</summary>
    public static string PtxCache { get; } = Directory.CreateTempSubdirectory("parley-gpu-ptx-").FullName;

    public static CpuBackend Cpu(this TinyCheckpointFolder model) =>
        CpuBackend.Load(model.Path, new CpuBackendOptions { KvBlockCount = 64, MaxBatchedTokens = 256, MaxSequences = 8, MaxModelLen = 512 });

    public static CudaBackend Cuda(this TinyCheckpointFolder model, bool graphs = true) => CudaBackend.Load(model.Path, new CudaBackendOptions
    {
        KvBlockCount = 64, MaxBatchedTokens = 256, MaxSequences = 8, MaxModelLen = 512, UseCudaGraphs = graphs, PtxCacheDirectory = PtxCache,
    });
}

internal static class Calls
{
    public static float[] Forward(IBackend backend, params (int[] Tokens, int Start, int[] Blocks)[] sequences)
    {
        var offset = 0;
        var batch = new List<BatchSequence>();
        foreach (var (tokens, start, blocks) in sequences)
        {
            batch.Add(new BatchSequence(offset, tokens.Length, start, blocks, ReturnsLogits: true));
            offset += tokens.Length;
        }

        var logits = new float[sequences.Length * backend.Config.VocabSize];
        backend.Forward(new ForwardBatch(batch, sequences.SelectMany(s => s.Tokens).ToArray()), logits);
        return logits;
    }

    public static int[] Blocks(int first, int tokens) => Enumerable.Range(first, (tokens + 15) / 16).ToArray();

    public static int[] RandomTokens(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(0, 259)).ToArray();
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    /// <summary>Max |a − b| over max |b|, and the first index where they differ most (llm.c's check_tensor, in short).</summary>
    public static (double Relative, int Index) Compare(float[] ours, float[] reference)
    {
        double worst = 0, scale = reference.Max(v => Math.Abs((double)v));
        var index = 0;
        for (var i = 0; i < ours.Length; i++)
        {
            var difference = Math.Abs((double)ours[i] - reference[i]);
            if (difference > worst || double.IsNaN(difference))
            {
                worst = double.IsNaN(difference) ? double.PositiveInfinity : difference;
                index = i;
            }
        }

        return (worst / Math.Max(scale, 1e-6), index);
    }
}

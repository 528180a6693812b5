using Parley.Engine.Backends;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Models;
using Parley.Testing.Models;

namespace Parley.Engine.Tests.Backends;

/// <summary>Tiny model shapes and backends over them, with the settings the engine's tests use.</summary>
internal static class TinyCheckpoints
{
    public static TinyModelSpec Shape(string modelType, string dtype, bool tied = false, bool ropeScaling = false) => new()
    {
        ModelType = modelType,
        Dtype = Enum.Parse<SafetensorsDtype>(dtype),
        TieWordEmbeddings = tied,
        Llama3RopeScaling = ropeScaling,
    };

    public static CpuBackend Cpu(this TinyCheckpointFolder model, int blocks = 64, int maxBatchedTokens = 256, int maxSequences = 8, int maxModelLen = 512, int threads = 2, int maxLoras = 0,
        bool nativeBFloat16 = true, BFloat16Kernel bFloat16Kernel = BFloat16Kernel.Auto, WeightStorage weightStorage = WeightStorage.HugePages) =>
        CpuBackend.Load(model.Path, new CpuBackendOptions
        {
            KvBlockCount = blocks, MaxBatchedTokens = maxBatchedTokens, MaxSequences = maxSequences, MaxModelLen = maxModelLen, Threads = threads, MaxLoras = maxLoras,
            NativeBFloat16 = nativeBFloat16, BFloat16Kernel = bFloat16Kernel, WeightStorage = weightStorage,
        });
}

/// <summary>Calls a backend the way tests need it: one sequence or a few, logits as arrays.</summary>
internal static class BackendCalls
{
    /// <summary>Runs one sequence's <paramref name="tokens"/> from <paramref name="start"/> and returns its last logits.</summary>
    public static float[] Run(IBackend backend, int[] tokens, int start, int[] blockTable)
    {
        var batch = new ForwardBatch([new BatchSequence(0, tokens.Length, start, blockTable, ReturnsLogits: true)], tokens);
        var logits = new float[backend.Config.VocabSize];
        backend.Forward(batch, logits);
        return logits;
    }

    /// <summary>Runs one sequence under the adapter in LoRA <paramref name="slot"/> (-1: the base model alone).</summary>
    public static float[] Run(IBackend backend, int[] tokens, int start, int[] blockTable, int slot)
    {
        var batch = new ForwardBatch([new BatchSequence(0, tokens.Length, start, blockTable, ReturnsLogits: true, slot)], tokens);
        var logits = new float[backend.Config.VocabSize];
        backend.Forward(batch, logits);
        return logits;
    }

    /// <summary>Block ids first, first + 1, ... enough for <paramref name="tokens"/> tokens.</summary>
    public static int[] Blocks(int first, int tokens) => Enumerable.Range(first, (tokens + 15) / 16).ToArray();

    public static int[] RandomTokens(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(0, 259)).ToArray();
    }

    public static double MaxAbsDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}

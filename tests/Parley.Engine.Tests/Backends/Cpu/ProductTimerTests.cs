using Parley.Engine.Backends.Cpu;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Backends.Cpu;

public class ProductTimerTests
{
    [Fact]
    public void TimeProducts_OnePrompt_TimesEveryProductByShapeOncePerLayer()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16"));
        using var backend = CpuBackend.Load(model.Path, new CpuBackendOptions
        {
            KvBlockCount = 8, MaxBatchedTokens = 16, MaxSequences = 1, MaxModelLen = 64, Threads = 2, TimeProducts = true,
        });
        var config = backend.Config;
        int hidden = config.HiddenSize, q = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim, layers = config.NumHiddenLayers;

        _ = Run(backend, RandomTokens(5, seed: 3), 0, [1]);
        var times = backend.ProductTimer!.Snapshot();

        times.Select(t => (t.InFeatures, t.OutFeatures, t.Tokens, t.Calls)).Should().BeEquivalentTo(new[]
        {
            (hidden, q + 2 * kv, 5, (long)layers),                 // q, k and v together
            (q, hidden, 5, (long)layers),                          // o
            (hidden, 2 * config.IntermediateSize, 5, (long)layers), // gate and up together
            (config.IntermediateSize, hidden, 5, (long)layers),    // down
            (hidden, config.VocabSize, 1, 1L),                     // lm_head, for the one token that returns logits
        });
        times.Should().OnlyContain(t => t.Elapsed > TimeSpan.Zero && t.GigaflopsPerSecond > 0);
        var o = times.Single(t => t.InFeatures == q && t.OutFeatures == hidden);
        o.GigaflopsPerSecond.Should().BeApproximately(2.0 * q * hidden * 5 * layers / o.Elapsed.TotalSeconds / 1e9, 1e-6);
        o.MillisecondsPerCall.Should().BeApproximately(o.Elapsed.TotalMilliseconds / layers, 1e-9);

        backend.ProductTimer.Reset();
        backend.ProductTimer.Snapshot().Should().BeEmpty();
    }

    [Fact]
    public void TimeProducts_Off_HasNoTimer()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16"));
        using var backend = model.Cpu();

        backend.ProductTimer.Should().BeNull();
    }
}

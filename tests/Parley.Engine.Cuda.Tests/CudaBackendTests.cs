// What the first real GPU would hit, driven on the emulated CUDA: a decode graph that cannot be captured is told once
// and its bucket runs eagerly with the same logits; ids the kernels would read out of bounds are refused on the host;
// a head_dim beyond the kernels' registers is refused at load.
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Models;
using Parley.Gpu.Tests;
using Parley.Testing;
using Parley.Testing.Models;
using static Parley.Gpu.Tests.Calls;

namespace Parley.Engine.Cuda.Tests;

[Collection(EmulatorSettings.Name)]
public sealed class CudaBackendTests : IDisposable
{
    private readonly TinyCheckpointFolder _model = new(new TinyModelSpec { ModelType = "qwen2", Dtype = SafetensorsDtype.F32 });

    static CudaBackendTests() => CudaEmulator.UseInThisProcess();

    [Fact]
    public void DecodeGraph_WhenCaptureFails_IsToldOnce_AndTheBucketRunsEagerlyWithTheSameLogits()
    {
        var warnings = new List<string>();
        using var eager = _model.Cuda(graphs: false);
        using var failing = CudaEmulator.Override("PARLEY_EMU_FAIL_CAPTURE", "1");
        using var graphs = CudaBackend.Load(_model.Path, Options(graphs: true) with { Warn = warnings.Add });
        var prompts = new[] { RandomTokens(5, 1), RandomTokens(9, 2), RandomTokens(3, 3) };
        var tables = new[] { Blocks(1, 64), Blocks(5, 64), Blocks(9, 64) };
        foreach (var backend in new[] { graphs, eager })
        {
            Forward(backend, prompts.Select((p, i) => (p, 0, tables[i])).ToArray());
        }

        for (var step = 0; step < 3; step++)
        {
            var decode = prompts.Select((p, i) => (new[] { (step * 7) + i }, p.Length + step, tables[i])).ToArray();
            Forward(graphs, decode).Should().Equal(Forward(eager, decode));
        }

        warnings.Should().ContainSingle().Which.Should().Contain("4 sequences").And.Contain("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED");
    }

    [Theory]
    [InlineData(new[] { 259 }, new[] { 1 }, "Token ids run from 0 to 258")]
    [InlineData(new[] { -1 }, new[] { 1 }, "Token ids run from 0 to 258")]
    [InlineData(new[] { 5 }, new[] { 0 }, "KV block ids run from 1 to 63")]
    [InlineData(new[] { 5 }, new[] { 64 }, "KV block ids run from 1 to 63")]
    public void Forward_IdsTheKernelsWouldReadOutOfBounds_AreRefusedOnTheHost(int[] tokens, int[] blocks, string message)
    {
        using var backend = _model.Cuda();

        var act = () => Forward(backend, (tokens, 0, blocks));

        act.Should().Throw<ArgumentException>().WithMessage($"{message}*");
    }

    [Fact]
    public void Forward_ABlockTableLongerThanMaxModelLenAllows_IsRefusedOnTheHost()
    {
        using var backend = _model.Cuda();

        var act = () => Forward(backend, (RandomTokens(5, 4), 0, Blocks(1, 600)));

        act.Should().Throw<ArgumentException>().WithMessage("A sequence has 38 KV blocks; max_model_len 512 allows at most 32.*");
    }

    [Fact]
    public void Load_HeadDimAboveTheKernelsLimit_IsRefusedWithWhatToDo()
    {
        using var wide = new TinyCheckpointFolder(new TinyModelSpec { HiddenSize = 1024, IntermediateSize = 64, NumAttentionHeads = 2, NumKeyValueHeads = 1, NumHiddenLayers = 1 });

        var act = () => wide.Cuda();

        act.Should().Throw<NotSupportedException>().WithMessage("head_dim 512 is above the CUDA kernels' limit of 256; run this model with --device cpu.");
    }

    public void Dispose() => _model.Dispose();

    private static CudaBackendOptions Options(bool graphs) => new()
    {
        KvBlockCount = 64, MaxBatchedTokens = 256, MaxSequences = 8, MaxModelLen = 512, UseCudaGraphs = graphs, PtxCacheDirectory = TinyBackends.PtxCache,
    };
}

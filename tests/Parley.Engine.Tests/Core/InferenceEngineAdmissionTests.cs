// What one request can do to the others: nothing. Limits hold under a burst (counted at submission, not at the next
// step), impossible settings are refused before they reach the loop, and a request whose step fails alone fails alone.
using Parley.Engine.Backends;
using Parley.Engine.Models;
using Parley.Engine.Sampling;
using Parley.Engine.Scheduling;
using Parley.Engine.Core;
using Parley.Engine.Tests.Backends;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;
using static Parley.Engine.Tests.Core.InferenceEngineTests;

namespace Parley.Engine.Tests.Core;

public sealed class InferenceEngineAdmissionTests : IDisposable
{
    private static readonly SamplingParameters Long = new() { Temperature = 0, MaxTokens = 40, IgnoreEos = true };
    private readonly TinyCheckpointFolder _model = new(TinyCheckpoints.Shape("qwen2", "BF16"));

    [Fact]
    public async Task Submit_ABurstBeyondMaxNumSeqsPlusMaxWaiting_IsRefusedBusyAtOnce()
    {
        using var gate = new ManualResetEventSlim(false);
        using var engine = new InferenceEngine(new GatedBackend(_model.Cpu(), gate), new EngineOptions { MaxModelLen = 512, MaxNumSeqs = 2, MaxWaitingRequests = 2 });
        var admitted = new List<GenerationStream>();
        var busy = 0;

        for (var i = 0; i < 40; i++)
        {
            try
            {
                admitted.Add(engine.Submit(new GenerationRequest($"r{i}", RandomTokens(4, seed: i), Long)));
            }
            catch (RequestRejectedException rejected) when (rejected.Kind == RejectionKind.Overloaded)
            {
                busy++;
            }
        }

        admitted.Should().HaveCount(4);
        busy.Should().Be(36);
        gate.Set();
        foreach (var stream in admitted)
        {
            (await Collect(stream)).Should().HaveCount(40);
        }

        (await Collect(engine.Submit(new GenerationRequest("after", RandomTokens(4, seed: 99), Long)))).Should().HaveCount(40, "completed requests free their places");
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 3)]
    public void Submit_MaxTokensNearIntMax_IsRefusedWithTheContextSentence(int maxTokens)
    {
        using var engine = Engine();

        var act = () => engine.Submit(new GenerationRequest("huge", RandomTokens(8, seed: 1), Long with { MaxTokens = maxTokens }));

        act.Should().Throw<RequestRejectedException>().Which.Kind.Should().Be(RejectionKind.TooLong);
        act.Should().Throw<RequestRejectedException>().WithMessage("This model's maximum context length is 512 tokens*");
    }

    [Fact]
    public void Submit_StopIdsCoveringTheVocabularyWithMinTokens_IsRefusedNamingTheFields()
    {
        using var engine = Engine();
        var everyId = Enumerable.Range(0, _model.Spec.VocabSize).ToArray();

        var act = () => engine.Submit(new GenerationRequest("masked", RandomTokens(8, seed: 1), Long with { StopTokenIds = everyId, MinTokens = 2 }));

        act.Should().Throw<RequestRejectedException>().WithMessage("*stop_token_ids*min_tokens*");
    }

    [Fact]
    public async Task ARequestWhoseStepLeavesNothingToSample_FailsAlone_WhileTheOthersFinish()
    {
        const int Marker = 7;
        using var engine = new InferenceEngine(new PoisoningBackend(_model.Cpu(), Marker), new EngineOptions { MaxModelLen = 512, MaxNumSeqs = 8 });
        var failures = new List<Exception>();
        engine.StepFailed += failures.Add;
        var healthy = engine.Submit(new GenerationRequest("healthy", [1, 2, 3, 4, 5], Long));
        var poisoned = engine.Submit(new GenerationRequest("poisoned", [Marker, 2, 3], Long));

        var poisonedRun = () => Collect(poisoned);

        (await poisonedRun.Should().ThrowAsync<RequestFailedException>()).WithMessage("*masked*");
        (await Collect(healthy)).Should().HaveCount(40).And.Subject.Last().FinishReason.Should().Be(FinishReason.Length);
        failures.Should().BeEmpty("a failed request is not a failed step");
        engine.Stats.KvCacheUsage.Should().Be(0);
    }

    public void Dispose() => _model.Dispose();

    private InferenceEngine Engine() => new(_model.Cpu(), new EngineOptions { MaxModelLen = 512, MaxNumSeqs = 8 });

    // Holds every step until the test opens the gate, so no request can finish and free its place early.
    private sealed class GatedBackend(IBackend inner, ManualResetEventSlim gate) : IBackend
    {
        public ModelConfig Config => inner.Config;
        public int KvBlockCount => inner.KvBlockCount;

        public void Forward(ForwardBatch batch, Span<float> logits)
        {
            gate.Wait();
            inner.Forward(batch, logits);
        }

        public void Dispose() => inner.Dispose();
    }

    // Sets every logit of the sequence whose prompt holds the marker to -inf: that request has nothing to sample.
    private sealed class PoisoningBackend(IBackend inner, int marker) : IBackend
    {
        private int? _poisonedBlock;

        public ModelConfig Config => inner.Config;
        public int KvBlockCount => inner.KvBlockCount;

        public void Forward(ForwardBatch batch, Span<float> logits)
        {
            inner.Forward(batch, logits);
            var row = 0;
            foreach (var sequence in batch.Sequences)
            {
                if (sequence.StartPosition == 0 && batch.TokenIds.Slice(sequence.TokenOffset, sequence.TokenCount).Contains(marker))
                {
                    _poisonedBlock = sequence.BlockTable[0];
                }

                if (sequence.ReturnsLogits)
                {
                    if (sequence.BlockTable[0] == _poisonedBlock)
                    {
                        logits.Slice(row * Config.VocabSize, Config.VocabSize).Fill(float.NegativeInfinity);
                    }

                    row++;
                }
            }
        }

        public void Dispose() => inner.Dispose();
    }
}

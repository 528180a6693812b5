using Parley.Engine.Core;
using Parley.Engine.Lora;
using Parley.Engine.Models;
using Parley.Engine.Sampling;
using Parley.Engine.Tests.Backends;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Core;

public sealed class InferenceEngineLoraTests : IDisposable
{
    private static readonly SamplingParameters Greedy = new() { Temperature = 0, MaxTokens = 10, IgnoreEos = true };
    private readonly TinyCheckpointFolder _model = new(TinyCheckpoints.Shape("qwen2", "BF16"));
    private readonly List<TinyLoraFolder> _folders = [];

    [Fact]
    public async Task MoreAdaptersThanSlots_EveryRequestGetsWhatItGetsAlone()
    {
        var adapters = Adapters(3);
        var requests = Enumerable.Range(0, 8).Select(i => (Prompt: RandomTokens(6 + (5 * i), seed: 40 + i), Adapter: i % 4 == 3 ? null : adapters[i % 3])).ToArray();
        var alone = new List<int[]>();
        using (var single = Engine(maxLoras: 1))
        {
            foreach (var (prompt, adapter) in requests)
            {
                alone.Add(Tokens(await InferenceEngineTests.Collect(single.Submit(new GenerationRequest($"alone-{alone.Count}", prompt, Greedy, adapter)))));
            }
        }

        using var engine = Engine(maxLoras: 2);
        var together = await Task.WhenAll(requests.Select((request, i) =>
            InferenceEngineTests.Collect(engine.Submit(new GenerationRequest($"together-{i}", request.Prompt, Greedy, request.Adapter)))));

        for (var i = 0; i < requests.Length; i++)
        {
            Tokens(together[i]).Should().Equal(alone[i], $"request {i} ({requests[i].Adapter?.Name ?? "base"})");
        }

        alone[0].Should().NotEqual(alone[3].Take(alone[0].Length), "different adapters and prompts must not all give one answer");
    }

    [Fact]
    public async Task AnAdapter_ChangesTheGreedyAnswer()
    {
        var adapter = Adapters(1)[0];
        var prompt = RandomTokens(12, seed: 3);
        using var engine = Engine(maxLoras: 1);

        var base1 = Tokens(await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("base", prompt, Greedy))));
        var adapted = Tokens(await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("adapted", prompt, Greedy, adapter))));

        adapted.Should().NotEqual(base1);
    }

    [Fact]
    public async Task ThePromptUnderAnotherAdapter_FindsNoCachedBlocks()
    {
        var adapters = Adapters(2);
        var prompt = RandomTokens(40, seed: 4);
        using var engine = Engine(maxLoras: 2);

        await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("first", prompt, Greedy, adapters[0])));
        await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("other-adapter", prompt, Greedy, adapters[1])));
        await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("base", prompt, Greedy)));
        var hitsBefore = engine.Stats.PrefixCacheHits;
        await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("same-adapter", prompt, Greedy, adapters[0])));

        hitsBefore.Should().Be(0);
        engine.Stats.PrefixCacheHits.Should().Be(32, "the same adapter finds its two full prompt blocks");
    }

    [Fact]
    public void AnAdapterRequest_OnAnEngineWithoutLora_IsRefused()
    {
        var adapter = Adapters(1)[0];
        using var engine = Engine(maxLoras: 0);

        var submit = () => engine.Submit(new GenerationRequest("x", [1, 2, 3], Greedy, adapter));

        submit.Should().Throw<RequestRejectedException>().Where(e => e.Kind == RejectionKind.Invalid).WithMessage("*LoRA adapter 'adapter-0'*runs no adapters*");
    }

    public void Dispose()
    {
        _folders.ForEach(folder => folder.Dispose());
        _model.Dispose();
    }

    private LoraAdapter[] Adapters(int count)
    {
        var config = ModelConfig.Load(_model.Path);
        return Enumerable.Range(0, count).Select(i =>
        {
            var folder = new TinyLoraFolder(_model.Path, new TinyLoraSpec { Rank = 4 + (4 * i) }, seed: 100 + i);
            _folders.Add(folder);
            return LoraAdapter.Load($"adapter-{i}", folder.Path, config);
        }).ToArray();
    }

    private InferenceEngine Engine(int maxLoras) =>
        new(_model.Cpu(blocks: 64, maxBatchedTokens: 64, maxSequences: 8, maxModelLen: 256, maxLoras: maxLoras), new EngineOptions
        {
            MaxModelLen = 256, MaxNumSeqs = 8, MaxNumBatchedTokens = 64, EosTokenIds = [258, 256], MaxLoras = maxLoras,
        });

    private static int[] Tokens(List<TokenEvent> events) => events.Select(e => e.TokenId).ToArray();
}

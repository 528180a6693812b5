// Output constraints hold on the CUDA backend as on the CPU: the logits come back to the host, where the sampler
// masks them by the request's automaton, so whatever the device computes the answer matches.
using System.Text.Json.Nodes;
using Parley.Engine.Constraints;
using Parley.Engine.Core;
using Parley.Engine.Models;
using Parley.Engine.Sampling;
using Parley.Engine.Scheduling;
using Parley.Engine.Text;
using Parley.Gpu.Tests;
using Parley.Testing;
using Parley.Testing.Models;

namespace Parley.Engine.Cuda.Tests;

public sealed class ConstrainedDecodingTests : IDisposable
{
    private readonly TinyCheckpointFolder _model = new(new TinyModelSpec { ModelType = "qwen2", Dtype = SafetensorsDtype.F32 });

    static ConstrainedDecodingTests() => CudaEmulator.UseInThisProcess();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RegexConstraint_OnTheCudaBackend_GivesAMatchingAnswer(long seed)
    {
        const string pattern = """\{"id": [1-9][0-9]{0,2}, "ok": (true|false)\}""";
        var decoder = TokenDecoder.FromTokenizerJson(JsonNode.Parse(File.ReadAllText(Path.Combine(_model.Path, "tokenizer.json")))!);
        var compiler = new ConstraintCompiler(new TokenVocabulary(decoder, [256, 258], TinyModel.VocabSize));
        using var engine = new InferenceEngine(_model.Cuda(), new EngineOptions { MaxModelLen = 256, EosTokenIds = [256, 258] });
        var parameters = new SamplingParameters { Temperature = 1, Seed = seed, MaxTokens = 64, Constraint = compiler.Compile(new RegexOutput(pattern)) };

        var tokens = new List<int>();
        FinishReason? finish = null;
        await foreach (var token in engine.Submit(new GenerationRequest("a", [65, 66, 67], parameters)))
        {
            tokens.Add(token.TokenId);
            finish = token.FinishReason ?? finish;
        }

        IncrementalDetokenizer.DecodeAll(decoder, tokens.ToArray()).Should().MatchRegex($"^{pattern}$");
        finish.Should().Be(FinishReason.Stop);
    }

    public void Dispose() => _model.Dispose();
}

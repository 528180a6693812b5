using Parley.Engine.Reference;
using Parley.Engine.Reference.LlamaCpp;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Reference.LlamaCpp;

public sealed class LlamaCppModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-llamacpp-").FullName;

    [Fact]
    public void Measure_WithLlamaCppDefaults_ReportsPositiveThroughput()
    {
        using var model = Load(useLlamaCppDefaults: true);

        var (prefill, decode) = model.Measure(promptTokenCount: 32, decodeTokenCount: 8);

        prefill.Should().BePositive().And.Match(rate => double.IsFinite(rate));
        decode.Should().BePositive().And.Match(rate => double.IsFinite(rate));
    }

    [Fact]
    public void Greedy_EachStep_IsTheArgmaxOfLastLogits()
    {
        using var model = Load(useLlamaCppDefaults: false);
        int[] prompt = [257, 104, 105];

        var greedy = model.Greedy(prompt, 3);

        var extended = prompt.ToList();
        foreach (var token in greedy)
        {
            var logits = model.LastLogits(extended);
            token.Should().Be(Array.IndexOf(logits, logits.Max()));
            extended.Add(token);
        }
    }

    [Fact]
    public void LastLogits_PromptLongerThanTheBatch_IsRejectedBeforeLlamaCppAborts()
    {
        using var model = Load(useLlamaCppDefaults: false);

        var evaluate = () => model.LastLogits(new int[65]);

        evaluate.Should().Throw<ArgumentOutOfRangeException>();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LlamaCppModel Load(bool useLlamaCppDefaults)
    {
        var checkpoint = Path.Combine(_folder, "hf");
        var gguf = Path.Combine(_folder, "model.gguf");
        TinyModel.Write(checkpoint, new TinyModelSpec { ModelType = "qwen2", Dtype = SafetensorsDtype.BF16 }, seed: 11);
        GgufWriter.Convert(checkpoint, gguf);
        return LlamaCppModel.Load(gguf, threads: 2, contextSize: 64, useLlamaCppDefaults);
    }
}

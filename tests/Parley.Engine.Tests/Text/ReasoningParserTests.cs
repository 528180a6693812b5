using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class ReasoningParserTests
{
    private const string R1Output = "Let me think.\nSo 2+2=4.\n</think>\n\nThe answer is 4.";

    [Fact]
    public void Split_DeepSeekR1_NeedsNoOpeningTag()
    {
        var split = ReasoningParser.Split(ReasoningFormat.DeepSeekR1, R1Output);

        split.Reasoning.Should().Be("Let me think.\nSo 2+2=4.\n");
        split.Content.Should().Be("\n\nThe answer is 4.");
    }

    [Fact]
    public void Split_DeepSeekR1_DropsARepeatedOpeningTag()
    {
        ReasoningParser.Split(ReasoningFormat.DeepSeekR1, "<think>x</think>y").Should().Be(new ReasoningDelta("x", "y"));
    }

    [Theory]
    [InlineData("<think>plan</think>answer", "plan", "answer")]
    [InlineData("answer only", "", "answer only")]
    [InlineData("<thin", "", "<thin")]
    [InlineData("", "", "")]
    public void Split_Qwen3_ReasonsOnlyWhenTheOutputOpensATag(string output, string reasoning, string content)
    {
        ReasoningParser.Split(ReasoningFormat.Qwen3, output).Should().Be(new ReasoningDelta(reasoning, content));
    }

    [Theory]
    [InlineData(ReasoningFormat.DeepSeekR1, R1Output)]
    [InlineData(ReasoningFormat.Qwen3, "<think>\nplan 你好\n</think>\n\n答案 👍")]
    [InlineData(ReasoningFormat.Qwen3, "no tags </think> here")]
    public void Append_EverySplitOfTheStream_GivesTheSameSplitAndNoPartialTags(ReasoningFormat format, string output)
    {
        var expected = ReasoningParser.Split(format, output);
        for (var cut = 0; cut <= output.Length; cut++)
        {
            for (var step = 1; step <= 3; step++)
            {
                var parser = new ReasoningParser(format);
                var pieces = Chunks(output, cut, step).Select(parser.Append).ToList();
                pieces.Add(parser.Flush()); // after the pieces: an argument to Append would run before them

                pieces.Should().OnlyContain(p => !p.Reasoning.Contains("</thi") && !p.Content.Contains("<think") && !p.Reasoning.Contains("<think>"),
                    $"no delta may carry a tag (cut {cut}, step {step})");
                new ReasoningDelta(string.Concat(pieces.Select(p => p.Reasoning)), string.Concat(pieces.Select(p => p.Content))).Should().Be(expected);
            }
        }
    }

    [Fact]
    public void Flush_ReasoningThatNeverCloses_StaysReasoning()
    {
        var parser = new ReasoningParser(ReasoningFormat.DeepSeekR1);

        parser.Append("thinking </th").Should().Be(new ReasoningDelta("thinking ", ""));
        parser.Flush().Should().Be(new ReasoningDelta("</th", ""));
    }

    [Theory]
    [InlineData("deepseek_r1", ReasoningFormat.DeepSeekR1)]
    [InlineData("deepseek-r1", ReasoningFormat.DeepSeekR1)]
    [InlineData("qwen3", ReasoningFormat.Qwen3)]
    [InlineData("none", null)]
    [InlineData(null, null)]
    public void ReasoningFormats_Parse_TakesVllmNames(string? name, ReasoningFormat? expected)
    {
        ReasoningFormats.Parse(name).Should().Be(expected);
    }

    [Fact]
    public void ReasoningFormats_Parse_UnknownName_ListsTheKnownOnes()
    {
        var parse = () => ReasoningFormats.Parse("granite");

        parse.Should().Throw<ArgumentException>().WithMessage("*deepseek_r1, qwen3 or none*");
    }

    private static IEnumerable<string> Chunks(string text, int firstCut, int step)
    {
        yield return text[..firstCut];
        for (var i = firstCut; i < text.Length; i += step)
        {
            yield return text.Substring(i, Math.Min(step, text.Length - i));
        }
    }
}

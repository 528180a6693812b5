using System.Text.Json.Nodes;
using Parley.Engine.Text;
using Parley.Worker.Serving;

namespace Parley.Worker.Tests;

// Tool support is settled at load from the chat template, or from --tool-call-parser, which wins; the format's
// special marker tokens are found so detokenizing keeps them.
public class ToolSupportTests
{
    private static readonly TokenDecoder Decoder = TokenDecoder.FromTokenizerJson(JsonNode.Parse("""
        {"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
         "added_tokens": [{"id": 1, "content": "<|python_tag|>", "special": true}, {"id": 2, "content": "<tool_call>", "special": false}],
         "decoder": {"type": "ByteLevel"}}
        """)!);

    private const string HermesTemplate = "{% if tools %}<tools>{% for tool in tools %}{{ tool | tojson }}{% endfor %}</tools> reply in <tool_call></tool_call>{% endif %}{% for m in messages %}{{ m.content }}{% endfor %}";

    [Fact]
    public void TemplateWithHermesTools_ReadsHermes()
    {
        var support = ToolSupport.For(HermesTemplate, null, Decoder);

        (support.TemplateRendersTools, support.Format?.Name).Should().Be((true, "hermes"));
        support.MarkerTokenIds.Should().BeEmpty("<tool_call> is not a special token here: detokenizing keeps it anyway");
    }

    [Fact]
    public void ParserFlag_Wins_AndItsSpecialMarkersAreKept()
    {
        var support = ToolSupport.For(HermesTemplate, "llama3_json", Decoder);

        support.Format!.Name.Should().Be("llama3_json");
        support.MarkerTokenIds.Should().Equal(1);
    }

    [Fact]
    public void TemplateWithoutTools_HasNoFormat()
    {
        var support = ToolSupport.For("{% for m in messages %}{{ m.content }}{% endfor %}", null, Decoder);

        (support.TemplateRendersTools, support.Format).Should().Be((false, null));
        var none = ToolSupport.For(null, null, Decoder);
        (none.TemplateRendersTools, none.Format).Should().Be((false, null));
    }
}

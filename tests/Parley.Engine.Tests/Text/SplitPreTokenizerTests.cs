using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class SplitPreTokenizerTests
{
    [Fact]
    public void PreTokenize_IsolatedSplits_KeepMatchesAndTheTextBetweenThem()
    {
        var splitter = new SplitPreTokenizer([new Regex(@"\p{N}{1,3}"), new Regex(@"[a-z]+")]);
        const string text = "ab12345!cd";

        var pieces = splitter.PreTokenize(text).Select(p => text.Substring(p.Offset, p.Length));

        pieces.Should().Equal("ab", "123", "45", "!", "cd");
    }

    [Fact]
    public void PreTokenize_AstralSymbols_MatchSymbolClassesLikeCodePoints()
    {
        var splitter = new SplitPreTokenizer([new Regex(@" ?[\p{P}\p{S}]+|\s+|[^\s\p{P}\p{S}]+")]);
        const string text = "hi 👍🏽!";

        var pieces = splitter.PreTokenize(text).Select(p => text.Substring(p.Offset, p.Length));

        pieces.Should().Equal("hi", " 👍🏽!");
    }

    [Fact]
    public void Substitute_KeepsLengthAndCategory()
    {
        var text = "a😀𝐀";

        var substituted = AstralCategories.Substitute(text);

        substituted.Should().HaveLength(text.Length);
        substituted.Should().Be("a©©ÀÀ");
        AstralCategories.Substitute("plain").Should().BeSameAs("plain");
    }

    [Fact]
    public void FromTokenizerJson_UnsupportedStep_IsNamed()
    {
        var json = JsonNode.Parse("""{"type": "Sequence", "pretokenizers": [{"type": "Metaspace", "replacement": "▁"}]}""");

        var read = () => SplitPreTokenizer.FromTokenizerJson(json);

        read.Should().Throw<NotSupportedException>().WithMessage("*Metaspace*");
    }
}

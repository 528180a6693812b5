// Whitespace handling, checked against Python Jinja2 3.1.6 with trim_blocks and lstrip_blocks on.
namespace Parley.Engine.Tests.Text.Jinja;

public class LexerTests
{
    [Fact]
    public void BlockTag_OnItsOwnLine_LeavesNoIndentOrNewline() =>
        Jinja.Render("  {% if true %}\n  yes\n  {% endif %}\nend").Should().Be("  yes\nend");

    [Fact]
    public void MinusMarkers_StripAllWhitespaceOnTheirSide() =>
        Jinja.Render("a  {%- if true -%}  b  {%- endif -%}  c\n{{- ' d ' -}}\n e").Should().Be("abc d e");

    [Fact]
    public void Comments_RenderNothingAndFollowTheBlockWhitespaceRules() =>
        Jinja.Render("{# comment #}\nx {# c2 -#}   y\n  {#- c3 #}z").Should().Be("x yz");

    [Fact]
    public void PlusMarkers_DisableLstripAndTrimOnTheirSide() =>
        Jinja.Render("  {%+ if true %}x{% endif %}\n  {% if true +%}\ny{% endif %}").Should().Be("  x\ny");

    [Fact]
    public void VariableTags_KeepTheFollowingNewline_ButTheTemplatesFinalNewlineIsDropped() =>
        Jinja.Render("{{ 'a' }}\n{{ 'b' }}\n").Should().Be("a\nb");

    [Fact]
    public void RawBlock_OutputsTagsLiterally() =>
        Jinja.Render("{% raw %}{{ not }}{% endraw %}").Should().Be("{{ not }}");

    [Fact]
    public void StringLiterals_DecodePythonEscapes_AndAdjacentLiteralsJoin() =>
        Jinja.Render("{{ \"it's\" }} {{ 'tab\\there' }} {{ '\\u00e9' }} {{ \"a\" 'b' }} {{ 1_000 }}").Should().Be("it's tab\there é ab 1000");

    [Fact]
    public void DictLiteral_ClosingBracesInsideAnOutputTag_DoNotEndTheTag() =>
        Jinja.Render("{{ {'a': {'b': 1}} }}").Should().Be("{'a': {'b': 1}}");
}

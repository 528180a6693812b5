// Expressions: Python arithmetic and printing, slicing, comparisons, tests, and Jinja2's default Undefined.
namespace Parley.Engine.Tests.Text.Jinja;

public class EvaluatorTests
{
    private const string Context = """{"xs": [3, 1, 2], "d": {"b": 2, "a": 1}, "s": "Hello World", "n": null, "f": 1.5, "msgs": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}""";

    [Fact]
    public void Arithmetic_FollowsPython_IncludingFloorDivisionAndModuloOfNegatives() =>
        Jinja.Render("{{ 1 + 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 7 / 2 }} {{ 6 / 2 }}").Should().Be("3 3 -4 1 2 1024 3.5 3.0");

    [Fact]
    public void Precedence_MatchesJinja2() =>
        Jinja.Render("{{ (xs | length - 1) }} {{ -xs[0] }} {{ 10 - 2 - 3 }} {{ 2 * 3 + 4 }} {{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }}", Context).Should().Be("2 -3 5 10 14 20");

    [Fact]
    public void Floats_PrintLikePythonRepr() =>
        Jinja.Render("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e-7 }} {{ 123456789.0 }} {{ 1e16 }} {{ 1e15 }} {{ f * 2 }}", Context)
            .Should().Be("1.0 0.30000000000000004 1e+20 1e-07 123456789.0 1e+16 1000000000000000.0 3.0");

    [Fact]
    public void Containers_PrintLikePythonStr() =>
        Jinja.Render("{{ xs }} {{ d }} {{ n }} {{ true }} {{ (1, 2) }} {{ (1,) }} {{ ['a', \"b'c\", 'd\\n'] }}", Context)
            .Should().Be("[3, 1, 2] {'b': 2, 'a': 1} None True (1, 2) (1,) ['a', \"b'c\", 'd\\n']");

    [Fact]
    public void Slicing_SupportsNegativeBoundsStepsAndReversal() =>
        Jinja.Render("{{ xs[::-1] }} {{ xs[1:] }} {{ xs[:-1] }} {{ s[::2] }} {{ s[-5:] }} {{ xs[5:] }} {{ s[::-1] }}", Context)
            .Should().Be("[2, 1, 3] [1, 2] [3, 1] HloWrd World [] dlroW olleH");

    [Fact]
    public void Comparisons_ChainAndUsePythonEquality() =>
        Jinja.Render("{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 1 == 1.0 }} {{ 'a' in 'abc' }} {{ 'z' not in xs }} {{ 1 in xs }} {{ 'a' in d }} {{ not true }} {{ true and 'x' }} {{ 0 or 'y' }}", Context)
            .Should().Be("True False True True True True True False x y");

    [Fact]
    public void Concatenation_InlineIfAndSequenceOperators() =>
        Jinja.Render("{{ 'a' ~ 1 ~ none ~ missing }} {{ 'a' if false }}|{{ 'a' if true else 'b' }} {{ 'ab' * 2 }} {{ [1] + [2] }} {{ 'x' + 'y' }}")
            .Should().Be("a1None |a abab [1, 2] xy");

    [Fact]
    public void Tests_CoverTypesNumbersAndComparisons() =>
        Jinja.Render("{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ n is none }} {{ s is string }} {{ 1 is number }} {{ 1 is integer }} {{ 1.0 is float }} {{ d is mapping }} {{ xs is iterable }} {{ xs is sequence }} {{ true is boolean }} {{ false is false }} {{ 1 is eq 1 }} {{ 1 is in xs }} {{ 'ab' is lower }} {{ 'AB' is upper }} {{ n is sameas none }} {{ x is not defined }}", Context)
            .Should().Be("True True True False True True True True True True True True True True True True True True True True");

    [Fact]
    public void Undefined_PrintsEmpty_IteratesAsEmpty_AndIsDetectedByTests() =>
        Jinja.Render("{{ missing }}|{{ missing is defined }}|{{ missing is undefined }}|{% for x in missing %}x{% endfor %}|{{ missing | default('dflt') }}|{{ '' | default('e', true) }}")
            .Should().Be("|False|True||dflt|e");

    [Fact]
    public void MissingAttributesAndItems_AreUndefined() =>
        Jinja.Render("{{ xs.nope }}|{{ d.nope }}|{{ d['nope'] }}|{{ xs[10] }}|{{ n.x }}|{{ d.nope is defined }}", Context).Should().Be("|||||False");

    [Fact]
    public void AttributeOfUndefined_FailsLikeJinja2() =>
        FluentActions.Invoking(() => Jinja.Render("{{ missing.attr }}")).Should().Throw<Parley.Engine.Text.Jinja.JinjaException>()
            .WithMessage("'missing' is undefined at line 1");

    [Fact]
    public void ItemAndAttributeAccess_WorkOnNestedJson() =>
        Jinja.Render("{{ msgs[0].role }} {{ msgs[-1]['content'] }} {{ (msgs | last).content }} {{ msgs[0]['role'] | upper }}", Context).Should().Be("user yo yo USER");

    [Fact]
    public void Globals_ProvideRangeDictAndNamespace() =>
        Jinja.Render("{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ dict(a=1)['a'] }} {% set ns = namespace(x=[1]) %}{{ ns.x }}").Should().Be("[0, 1, 2] [1, 3, 5] 1 [1]");
}

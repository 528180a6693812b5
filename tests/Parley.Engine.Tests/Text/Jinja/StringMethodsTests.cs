// Python str and dict methods called from templates.
namespace Parley.Engine.Tests.Text.Jinja;

public class StringMethodsTests
{
    private const string Context = """{"d": {"b": 2, "a": 1}, "s": "Hello World"}""";

    [Fact]
    public void DictMethods_GetKeysValuesAndAttributeFallback() =>
        Jinja.Render("{{ d.get('a') }} {{ d.get('z', 9) }} {{ d.keys() | list }} {{ d.values() | list }} {{ d['a'] }} {{ d.a }}", Context).Should().Be("1 9 ['b', 'a'] [2, 1] 1 1");

    [Fact]
    public void StripAndSplit_FollowPython() =>
        Jinja.Render("{{ s.startswith('He') }} {{ s.endswith(('x','ld')) }} {{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ 'a,b,,c'.split(',') }} {{ 'a b  c'.split() }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }}", Context)
            .Should().Be("True True a b|a|['a', 'b', '', 'c'] ['a', 'b', 'c'] ['a', 'b,c'] ['a,b', 'c']");

    [Fact]
    public void CaseReplaceFindCountAndJoin_FollowPython() =>
        Jinja.Render("{{ s.upper() }} {{ s.lower() }} {{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }} {{ s.replace('l', 'L') }} {{ s.find('o') }} {{ s.count('l') }} {{ '-'.join(['a','b']) }}", Context)
            .Should().Be("HELLO WORLD hello world Hello World Hello HeLLo WorLd 4 3 a-b");

    [Fact]
    public void ThinkingSplit_AsChatTemplatesUseIt() =>
        Jinja.Render("{{ 'a</think>b</think>c'.split('</think>')[-1] }} {{ '\\n\\nx\\n'.lstrip('\\n') }}|{{ 'x\\n\\n'.rstrip('\\n') }}|").Should().Be("c x\n|x|");

    [Fact]
    public void Formatting_SupportsPercentAndFormat() =>
        Jinja.Render("{{ '%s and %d' % ('a', 3) }} {{ '{} {}'.format(1, 'x') }}").Should().Be("a and 3 1 x");
}

// Built-in filters, with expectations taken from Python Jinja2 3.1.6.
namespace Parley.Engine.Tests.Text.Jinja;

public class FiltersTests
{
    private const string Context = """{"xs": [3, 1, 2], "d": {"b": 2, "a": 1}, "s": "Hello World", "users": [{"name": "Bob", "age": 3}, {"name": "al", "age": 1}]}""";

    [Fact]
    public void ConversionAndCaseFilters_BehaveLikeJinja2() =>
        Jinja.Render("{{ xs | length }} {{ s | count }} {{ 42 | string }} {{ '42' | int + 1 }} {{ '3.5' | float }} {{ 'ab' | upper }} {{ 'hello there-you' | title }} {{ '  x  ' | trim }} {{ 'xxhixx' | trim('x') }}", Context)
            .Should().Be("3 11 42 43 3.5 AB Hello There-You x hi");

    [Fact]
    public void SequenceFilters_JoinPickReverseAndSort() =>
        Jinja.Render("{{ xs | join(',') }} {{ users | join(', ', attribute='name') }} {{ xs | first }} {{ xs | last }} {{ xs | reverse | list }} {{ xs | sort }} {{ xs | sort(reverse=true) }}", Context)
            .Should().Be("3,1,2 Bob, al 3 2 [2, 1, 3] [1, 2, 3] [3, 2, 1]");

    [Fact]
    public void SortUniqueAndMap_AreCaseInsensitiveByDefaultAndTakeAttributes() =>
        Jinja.Render("{{ users | sort(attribute='age') | map(attribute='name') | list }} {{ ['b','A','a'] | sort }} {{ ['b','A','a','B'] | unique | list }} {{ xs | map('string') | list }}", Context)
            .Should().Be("['al', 'Bob'] ['A', 'a', 'b'] ['b', 'A'] ['3', '1', '2']");

    [Fact]
    public void SelectAndRejectFilters_ApplyTests() =>
        Jinja.Render("{{ xs | select('odd') | list }} {{ xs | reject('odd') | list }} {{ users | selectattr('age', 'gt', 1) | map(attribute='name') | list }} {{ users | rejectattr('age', 'equalto', 1) | list }}", Context)
            .Should().Be("[3, 1] [2] ['Bob'] [{'name': 'Bob', 'age': 3}]");

    [Fact]
    public void ToJson_UsesTransformersSeparatorsAndKeepsNonAscii() =>
        Jinja.Render("{{ d | items | list }} {{ d | dictsort }} {{ d | tojson }} {{ 'é\"\\n' | tojson }} {{ [] | tojson(indent=2) }} {{ {'x': none, 'y': true, 'z': 1.5} | tojson }}", Context)
            .Should().Be("[('b', 2), ('a', 1)] [('a', 1), ('b', 2)] {\"b\": 2, \"a\": 1} \"é\\\"\\n\" [] {\"x\": null, \"y\": true, \"z\": 1.5}");

    [Fact]
    public void ToJson_WithIndent_PutsEachItemOnItsOwnLine() =>
        Jinja.Render("{{ users | tojson(indent=2) }}", Context)
            .Should().Be("[\n  {\n    \"name\": \"Bob\",\n    \"age\": 3\n  },\n  {\n    \"name\": \"al\",\n    \"age\": 1\n  }\n]");

    [Fact]
    public void ToJson_TakesTransformersArguments_EnsureAsciiFirstThenIndentSeparatorsAndSortKeys() =>
        Jinja.Render("{{ 'é' | tojson(true) }}|{{ d | tojson(sort_keys=true) }}|{{ d | tojson(separators=(',', ':')) }}|{{ '😀' | tojson(ensure_ascii=true) }}", Context)
            .Should().Be("\"\\u00e9\"|{\"a\": 1, \"b\": 2}|{\"b\":2,\"a\":1}|\"\\ud83d\\ude00\"");

    [Fact]
    public void TextFilters_IndentCountRoundAndCenter() =>
        Jinja.Render("{{ 'a\nb\n\nc' | indent(2) }}|{{ 'a\nb' | indent(2, true) }}|{{ 'one two three' | wordcount }} {{ -3 | abs }} {{ 2.567 | round(2) }} {{ 2.5 | round }} {{ 'x' | center(5) }}|")
            .Should().Be("a\n  b\n\n  c|  a\n  b|3 3 2.57 2.0   x  |");

    [Fact]
    public void EscapeBatchAndAggregates_BehaveLikeJinja2() =>
        Jinja.Render("{{ '<a href=\"x\">&\\'</a>' | e }} {{ 'x' | safe }} {{ xs | batch(2) | list }} {{ xs | sum }} {{ xs | max }} {{ xs | min }}", Context)
            .Should().Be("&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt; x [[3, 1], [2]] 6 3 1");
}

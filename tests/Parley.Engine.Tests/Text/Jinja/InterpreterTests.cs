// Statements: loops and their loop variable, loop controls, set scoping, namespaces, macros, filter blocks.
namespace Parley.Engine.Tests.Text.Jinja;

public class InterpreterTests
{
    private const string Context = """{"xs": [3, 1, 2], "d": {"b": 2, "a": 1}, "msgs": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}""";

    [Fact]
    public void ForLoop_ExposesIndexFirstLastLengthAndRevindex() =>
        Jinja.Render("{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{{ loop.revindex0 }}|{% endfor %}", Context)
            .Should().Be("10TrueFalse332|21FalseFalse321|32FalseTrue310|");

    [Fact]
    public void ForLoop_ExposesPreviousAndNextItemAndCycle() =>
        Jinja.Render("{% for x in xs %}{{ loop.previtem }}-{{ loop.nextitem }}-{{ loop.cycle('a','b') }} {% endfor %}", Context)
            .Should().Be("-1-a 3-2-b 1--a ");

    [Fact]
    public void ForLoop_UnpacksItemsAndIteratesDictKeysInInsertionOrder() =>
        Jinja.Render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}", Context).Should().Be("b=2;a=1;ba");

    [Fact]
    public void ForLoop_WithFilter_CountsOnlyKeptItems_AndElseRunsWhenEmpty() =>
        Jinja.Render("{% for x in xs if x > 1 %}{{ x }}{{ loop.length }}{% else %}none{% endfor %}{% for x in [] %}{% else %}empty{% endfor %}", Context)
            .Should().Be("3222empty");

    [Fact]
    public void BreakAndContinue_ControlTheInnermostLoop() =>
        Jinja.Render("{% for x in xs %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}", Context).Should().Be("3");

    [Fact]
    public void Set_InsideLoop_DoesNotLeak_ButNamespaceAttributesDo() =>
        Jinja.Render("{% set ns = namespace(a=1) %}{% for x in xs %}{% set ns.a = ns.a + x %}{% set local = x %}{% endfor %}{{ ns.a }}{{ local is defined }}", Context)
            .Should().Be("7False");

    [Fact]
    public void Set_InsideIf_IsVisibleAfterwards() =>
        Jinja.Render("{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}{% for i in xs %}{% set x = i %}{% endfor %}{{ x }}", Context).Should().Be("22");

    [Fact]
    public void Set_SupportsTupleUnpackingAndTheBlockForm() =>
        Jinja.Render("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t %}inner {{ a }}{% endset %}[{{ t }}]").Should().Be("12[inner 1]");

    [Fact]
    public void Macro_UsesDefaultsAndKeywordArguments() =>
        Jinja.Render("{% macro greet(name, greeting='Hi') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet('Bob') }} {{ greet('Al', greeting='Yo') }}")
            .Should().Be("Hi, Bob! Yo, Al!");

    [Fact]
    public void FilterAndGenerationBlocks_RenderTheirBodies() =>
        Jinja.Render("{% filter upper %}abc{{ 'd' }}{% endfilter %}{% generation %}gen{% endgeneration %}").Should().Be("ABCDgen");

    [Fact]
    public void NestedLoops_EachHaveTheirOwnLoopVariable() =>
        Jinja.Render("{% for i in range(3) %}{% for j in range(2) %}{{ loop.index }}{% endfor %}{{ loop.index }}|{% endfor %}").Should().Be("121|122|123|");

    [Fact]
    public void IfElifElse_PicksTheFirstTrueBranch() =>
        Jinja.Render("{% if xs | length > 2 and not n %}big{% elif xs %}small{% else %}none{% endif %}", Context).Should().Be("big");
}

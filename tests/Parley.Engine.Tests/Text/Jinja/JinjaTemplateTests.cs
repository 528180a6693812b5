// The public entry point: errors with line numbers, raise_exception, strftime_now and concurrent renders.
using Parley.Engine.Text.Jinja;

namespace Parley.Engine.Tests.Text.Jinja;

public class JinjaTemplateTests
{
    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 11, 26, 9, 5, 0, TimeSpan.Zero);

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    [Theory]
    [InlineData("a\n\n{% extends 'base.html' %}", "Unsupported Jinja construct 'extends' at line 3")]
    [InlineData("{% include 'x' %}", "Unsupported Jinja construct 'include' at line 1")]
    [InlineData("x\n{% import 'm' as m %}", "Unsupported Jinja construct 'import' at line 2")]
    [InlineData("{% for x in y recursive %}{% endfor %}", "Unsupported Jinja construct 'recursive' loop at line 1")]
    public void Parse_UnsupportedConstruct_FailsNamingItAndItsLine(string template, string message) =>
        FluentActions.Invoking(() => JinjaTemplate.Parse(template)).Should().Throw<JinjaException>().WithMessage(message);

    [Fact]
    public void Parse_UnclosedBlock_ReportsWhatWasExpected() =>
        FluentActions.Invoking(() => JinjaTemplate.Parse("{% if x %}\nabc")).Should().Throw<JinjaException>()
            .WithMessage("Unexpected end of template: expected 'elif' or 'else' or 'endif' at line 2");

    [Fact]
    public void Parse_UnknownFilter_FailsAtParseTime() =>
        FluentActions.Invoking(() => JinjaTemplate.Parse("\n{{ x | frobnicate }}")).Should().Throw<JinjaException>()
            .WithMessage("No filter named 'frobnicate' at line 2");

    [Fact]
    public void Render_RuntimeError_CarriesTheLine() =>
        FluentActions.Invoking(() => Jinja.Render("ok\n{% set x = 1 %}\n{{ 'a' + x }}")).Should().Throw<JinjaException>()
            .Where(e => e.Line == 3 && e.Detail == "can only concatenate str (not \"int\") to str");

    [Fact]
    public void RaiseException_SurfacesTheTemplatesMessage()
    {
        var error = FluentActions.Invoking(() => Jinja.Render("{% if messages[0].role == 'system' %}\n{{ raise_exception('System role not supported') }}\n{% endif %}",
            """{"messages": [{"role": "system", "content": "x"}]}""")).Should().Throw<JinjaException>().Which;
        error.IsRaisedByTemplate.Should().BeTrue();
        error.Detail.Should().Be("System role not supported");
        error.Line.Should().Be(2);
    }

    [Fact]
    public void StrftimeNow_ReadsTheInjectedClock() =>
        Jinja.Render("{{ strftime_now('%d %b %Y') }} {{ strftime_now('%Y-%m-%d %H:%M') }} {{ strftime_now('%-d %B') }}", "{}", new FixedClock())
            .Should().Be("26 Nov 2026 2026-11-26 09:05 26 November");

    [Fact]
    public void Render_ManyThreadsAtOnce_GiveTheSameOutput()
    {
        var template = JinjaTemplate.Parse("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{{ m }}{% endfor %}{{ ns.n }}");
        var outputs = Enumerable.Range(0, 64).AsParallel()
            .Select(i => template.Render(Jinja.Context($$"""{"messages": [{{i}}, {{i + 1}}]}""")))
            .ToList();
        outputs.Should().BeEquivalentTo(Enumerable.Range(0, 64).Select(i => $"{i}{i + 1}2"));
    }

    [Fact]
    public void Render_ContextNumbers_KeepPythonsIntAndFloatDistinction() =>
        Jinja.Render("{{ a }} {{ b }} {{ a is integer }} {{ b is float }}", """{"a": 1, "b": 1.0}""").Should().Be("1 1.0 True True");
}

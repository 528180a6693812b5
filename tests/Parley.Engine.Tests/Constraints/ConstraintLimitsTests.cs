using System.Text.Json.Nodes;
using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

// One request must not take the worker down: groups nested thousands deep would overflow the parser's stack, and a
// count in the millions would expand for minutes into gigabytes. Both are refused at once with what to change.
public class ConstraintLimitsTests
{
    public static TheoryData<string, OutputConstraint, string> Hostile => new()
    {
        { "regex nested 20,000 deep", new RegexOutput(new string('(', 20_000) + "a" + new string(')', 20_000)), "groups nest deeper than 100" },
        { "grammar nested 20,000 deep", new GrammarOutput("root ::= " + new string('(', 20_000) + "\"a\"" + new string(')', 20_000)), "groups nest deeper than 100" },
        { "a{100000000}", new RegexOutput("a{100000000}"), "too large*Lower a count" },
        { "maxLength 100,000,000", new JsonSchemaOutput(JsonNode.Parse("""{"type": "string", "maxLength": 100000000}""")!), "too large*maxLength*" },
        { "minItems 100,000,000", new JsonSchemaOutput(JsonNode.Parse("""{"type": "array", "minItems": 100000000, "items": {"type": "integer"}}""")!), "too large*minItems*" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileConstraint_IsRefusedQuickly(string name, OutputConstraint spec, string message)
    {
        var act = () => new ConstraintCompiler(TestVocabularies.Bytes).Compile(spec);

        act.Should().Throw<ConstraintException>(name).WithMessage($"*{message}*");
    }

    [Fact]
    public void NestingAndCountsWithinTheLimits_StillCompile()
    {
        var compiler = new ConstraintCompiler(TestVocabularies.Bytes);

        compiler.Compile(new RegexOutput(new string('(', 90) + "a" + new string(')', 90))).Start().IsTerminated.Should().BeFalse();
        compiler.Compile(new RegexOutput("((a{1000}){100}){10}")).Start().IsTerminated.Should().BeFalse();
        compiler.Compile(new JsonSchemaOutput(JsonNode.Parse("""{"type": "string", "maxLength": 10000}""")!)).Start().IsTerminated.Should().BeFalse();
    }
}

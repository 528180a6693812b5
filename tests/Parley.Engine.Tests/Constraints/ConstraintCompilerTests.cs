// The compiler's cache: the same spec (even parsed again from the same text) returns the same compiled constraint,
// and the least recently used one is dropped past the capacity.
using System.Text.Json.Nodes;
using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

public class ConstraintCompilerTests
{
    [Fact]
    public void Compile_SameSchemaParsedTwice_ReturnsTheCachedConstraint()
    {
        var compiler = new ConstraintCompiler(TestVocabularies.Bytes);
        const string Schema = """{"type":"object","properties":{"a":{"type":"integer"}}}""";

        var first = compiler.Compile(new JsonSchemaOutput(JsonNode.Parse(Schema)!));
        var second = compiler.Compile(new JsonSchemaOutput(JsonNode.Parse(Schema)!));

        second.Should().BeSameAs(first);
        compiler.Compile(new RegexOutput("a")).Should().NotBeSameAs(compiler.Compile(new ChoiceOutput(["a"])));
    }

    [Fact]
    public void Compile_PastTheCapacity_DropsTheLeastRecentlyUsed()
    {
        var compiler = new ConstraintCompiler(TestVocabularies.Bytes);
        var oldest = compiler.Compile(new RegexOutput("x0"));
        var kept = compiler.Compile(new RegexOutput("x1"));

        for (var i = 2; i <= ConstraintCompiler.CacheCapacity; i++)
        {
            compiler.Compile(new RegexOutput($"x{i}"));
            compiler.Compile(new RegexOutput("x1")); // keeps x1 recent
        }

        compiler.Compile(new RegexOutput("x1")).Should().BeSameAs(kept);
        compiler.Compile(new RegexOutput("x0")).Should().NotBeSameAs(oldest);
    }

    [Fact]
    public void Compile_FromManyThreads_GivesOneConstraintPerSpecAndSameMasks()
    {
        var compiler = new ConstraintCompiler(TestVocabularies.Bytes);
        var spec = new ChoiceOutput(["alpha", "beta"]);

        var masks = Enumerable.Range(0, 16).AsParallel().Select(_ =>
        {
            var matcher = compiler.Compile(spec).Start();
            var logits = new float[TestVocabularies.ByteLogitsSize];
            matcher.Accept('a');
            matcher.Mask(logits);
            return string.Concat(logits.Select(logit => float.IsNegativeInfinity(logit) ? '0' : '1'));
        }).Distinct().ToList();

        masks.Should().ContainSingle().Which.Should().Contain("1");
    }
}

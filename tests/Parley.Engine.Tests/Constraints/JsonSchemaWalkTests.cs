// Every schema of the corpus, walked with random logits over Qwen3's real vocabulary and over single bytes: each
// document produced must parse and validate against the schema (JsonSchema.Net, formats checked too).
using System.Text.Json;
using Json.Schema;
using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

public class JsonSchemaWalkTests
{
    private const int SeedCount = 3;

    private static readonly EvaluationOptions Validation = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    [Theory]
    [MemberData(nameof(SchemaCorpus.Names), MemberType = typeof(SchemaCorpus))]
    public void Walk_Qwen3Vocabulary_EveryDocumentValidates(string name)
    {
        AssertEveryWalkValidates(name, TestVocabularies.Qwen3);
    }

    [Theory]
    [MemberData(nameof(SchemaCorpus.Names), MemberType = typeof(SchemaCorpus))]
    public void Walk_SingleByteVocabulary_EveryDocumentValidates(string name)
    {
        AssertEveryWalkValidates(name, TestVocabularies.Bytes);
    }

    private static void AssertEveryWalkValidates(string name, TokenVocabulary vocabulary)
    {
        var schemaNode = SchemaCorpus.Get(name);
        // A registry per test: the corpus's $id must not collide across the two vocabularies' runs.
        var schema = JsonSchema.FromText(schemaNode.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var constraint = new ConstraintCompiler(vocabulary).Compile(new JsonSchemaOutput(schemaNode));
        var failures = new List<string>();
        for (var seed = 0; seed < SeedCount; seed++)
        {
            var text = ConstraintWalk.Run(constraint, vocabulary, seed);
            var problem = Problem(schema, text);
            if (problem is not null)
            {
                failures.Add($"seed {seed}: {problem} in {text}");
            }
        }

        failures.Should().BeEmpty($"all {SeedCount} walks of '{name}' should validate");
    }

    private static string? Problem(JsonSchema schema, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var result = schema.Evaluate(document.RootElement, Validation);
            return result.IsValid ? null : string.Join("; ", (result.Details ?? []).Where(detail => detail.Errors is not null).SelectMany(detail => detail.Errors!.Values));
        }
        catch (JsonException exception)
        {
            return $"not JSON ({exception.Message})";
        }
    }
}

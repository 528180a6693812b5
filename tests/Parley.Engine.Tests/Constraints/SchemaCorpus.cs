// The committed corpus of JSON schemas (Schemas/corpus.json, written by hand to cover every supported keyword).
using System.Text.Json.Nodes;
using Parley.Testing;

namespace Parley.Engine.Tests.Constraints;

internal static class SchemaCorpus
{
    private static readonly Lazy<Dictionary<string, JsonNode>> Schemas = new(() =>
        JsonNode.Parse(File.ReadAllText(RepositoryPaths.Of("tests", "Parley.Engine.Tests", "Constraints", "Schemas", "corpus.json")))!
            .AsArray().ToDictionary(entry => entry!["name"]!.GetValue<string>(), entry => entry!["schema"]!));

    public static TheoryData<string> Names() => [.. Schemas.Value.Keys];

    public static JsonNode Get(string name) => Schemas.Value[name].DeepClone();
}

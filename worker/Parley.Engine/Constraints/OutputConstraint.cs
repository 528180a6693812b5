// What a request asks its output to match, before compilation: OpenAI's response_format and vLLM's
// structured_outputs / guided_* fields all become one of these.
using System.Text.Json.Nodes;

namespace Parley.Engine.Constraints;

/// <summary>A requested output constraint.</summary>
public abstract record OutputConstraint;

/// <summary>A JSON document valid against a JSON Schema (response_format json_schema, guided_json).</summary>
/// <param name="Schema">The schema as sent.</param>
public sealed record JsonSchemaOutput(JsonNode Schema) : OutputConstraint;

/// <summary>Any JSON object (response_format json_object).</summary>
public sealed record JsonObjectOutput : OutputConstraint;

/// <summary>Text matching a regular expression in full (guided_regex).</summary>
public sealed record RegexOutput(string Pattern) : OutputConstraint;

/// <summary>Exactly one of the given strings (guided_choice).</summary>
public sealed record ChoiceOutput(IReadOnlyList<string> Choices) : OutputConstraint;

/// <summary>Text derived from a context-free grammar (guided_grammar).</summary>
public sealed record GrammarOutput(string Grammar) : OutputConstraint;

// Compiles requested output constraints (JSON Schema, any JSON object, regex, choice list, GBNF grammar) for one served model, and keeps the last 64 compiled ones: clients send the
// same schema with every request, and a compiled constraint also carries its cache of states and token masks, so
// reusing it makes a repeated schema cost nothing after its first request.
using System.Text.Json;
using Parley.Engine.Constraints.Gbnf;
using Parley.Engine.Constraints.Grammars;
using Parley.Engine.Constraints.JsonSchemas;
using Parley.Engine.Constraints.RegularExpressions;

namespace Parley.Engine.Constraints;

/// <summary>Turns <see cref="OutputConstraint"/>s into token constraints over one model's vocabulary. Thread-safe.</summary>
public sealed class ConstraintCompiler
{
    /// <summary>Compiled constraints kept; 64 distinct schemas in flight is far beyond a typical deployment's.</summary>
    public const int CacheCapacity = 64;

    private readonly TokenVocabulary _vocabulary;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, ITokenConstraint Constraint)>> _cache = [];
    private readonly LinkedList<(string Key, ITokenConstraint Constraint)> _recent = new();

    public ConstraintCompiler(TokenVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _vocabulary = vocabulary;
    }

    /// <summary>The compiled constraint for a spec, from the cache when the same spec was compiled recently.</summary>
    /// <exception cref="ConstraintException">The spec uses an unsupported keyword or construct, or is malformed; the
    /// message names it and is fit for an HTTP 400.</exception>
    public ITokenConstraint Compile(OutputConstraint spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var key = CanonicalText(spec);
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var hit))
            {
                _recent.Remove(hit);
                _recent.AddFirst(hit);
                return hit.Value.Constraint;
            }
        }

        // Compiled outside the lock: a slow schema must not stall other requests. Two racing compiles of one spec
        // both succeed; the first stored wins and the other is dropped.
        var compiled = new GrammarConstraint(Lower(spec), _vocabulary);
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var raced))
            {
                return raced.Value.Constraint;
            }

            _cache.Add(key, _recent.AddFirst((key, compiled)));
            if (_cache.Count > CacheCapacity)
            {
                _cache.Remove(_recent.Last!.Value.Key);
                _recent.RemoveLast();
            }
        }

        return compiled;
    }

    private Grammar Lower(OutputConstraint spec) => spec switch
    {
        JsonSchemaOutput schema => JsonSchemaCompiler.Compile(schema.Schema, AllowLeadingSpace),
        JsonObjectOutput => JsonSchemaCompiler.AnyObject(AllowLeadingSpace),
        RegexOutput regex => new GrammarBuilder().Build(AllowLeadingSpace(RegexParser.Parse(regex.Pattern))),
        ChoiceOutput choice => new GrammarBuilder().Build(AllowLeadingSpace(Choices(choice.Choices))),
        GrammarOutput grammar => Gbnf(grammar.Grammar),
        _ => throw new ConstraintException($"Output constraint {spec.GetType().Name} is not supported."),
    };

    private Grammar Gbnf(string text)
    {
        var builder = new GrammarBuilder();
        return builder.Build(AllowLeadingSpace(GbnfParser.Parse(text, builder)));
    }

    private static GrammarNode Choices(IReadOnlyList<string> choices) =>
        choices.Count > 0 ? GrammarNode.Choice([.. choices.Select(GrammarNode.Literal)]) : throw new ConstraintException("guided_choice lists no choices.");

    // SentencePiece-style detokenizers drop the output's first space, so the model may write one there for free.
    private GrammarNode AllowLeadingSpace(GrammarNode document) =>
        _vocabulary.StripsLeadingSpace ? GrammarNode.Sequence(GrammarNode.Optional(GrammarNode.Literal(" ")), document) : document;

    private static string CanonicalText(OutputConstraint spec) => spec switch
    {
        JsonSchemaOutput schema => "schema:" + schema.Schema.ToJsonString(),
        JsonObjectOutput => "object",
        RegexOutput regex => "regex:" + regex.Pattern,
        ChoiceOutput choice => "choice:" + JsonSerializer.Serialize(choice.Choices),
        GrammarOutput grammar => "grammar:" + grammar.Grammar,
        _ => spec.GetType().Name,
    };
}

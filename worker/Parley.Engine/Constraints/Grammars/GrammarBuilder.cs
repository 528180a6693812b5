// Lowers GrammarNodes to the flat Grammar. Alternatives become rules; repetition becomes right recursion
// (R ::= item R | empty), which the matcher runs in constant stack depth because a call in tail position pushes no
// return address. Bounded repetition nests optionals (O_n ::= item O_n-1 | empty) so the matcher never holds more
// than one stack per count it has actually seen.
namespace Parley.Engine.Constraints.Grammars;

internal sealed class GrammarBuilder
{
    private readonly List<List<int[]>?> _rules = [];
    private readonly Dictionary<ByteSet, int> _classIndex = [];
    private readonly List<ByteSet> _classes = [];
    private int _symbolCount;

    /// <summary>The most symbols a grammar may lower to. Counted repetition expands (a{n}, maxLength, minItems), so a
    /// request with a count in the millions would otherwise take minutes and gigabytes; this keeps one compile small.</summary>
    public const int MaxSymbols = 250_000;

    /// <summary>A rule to be defined later; its node may be used (recursively) before then.</summary>
    public RuleNode Declare()
    {
        _rules.Add(null);
        return new RuleNode(_rules.Count - 1);
    }

    public void Define(RuleNode rule, GrammarNode body)
    {
        if (_rules[rule.RuleId] is not null)
        {
            throw new InvalidOperationException($"Rule {rule.RuleId} is defined twice.");
        }

        _rules[rule.RuleId] = [];
        var alternatives = body is ChoiceNode choice ? choice.Options : [body];
        var lowered = alternatives.Select(Lower).ToList();
        _rules[rule.RuleId] = lowered;
    }

    /// <summary>A rule for the node, defined at once.</summary>
    public RuleNode Rule(GrammarNode body)
    {
        var rule = Declare();
        Define(rule, body);
        return rule;
    }

    public Grammar Build(GrammarNode root)
    {
        var rootRule = Rule(root);
        var blocked = Rule(GrammarNode.Class(ByteSet.Empty));
        var universe = Declare();
        Define(universe, GrammarNode.Choice(GrammarNode.Sequence(GrammarNode.Class(ByteSet.All), universe), GrammarNode.Empty));
        var symbols = new List<int>();
        var starts = new int[_rules.Count][];
        for (var rule = 0; rule < _rules.Count; rule++)
        {
            var alternatives = _rules[rule] ?? throw new InvalidOperationException($"Rule {rule} is declared but never defined.");
            starts[rule] = new int[alternatives.Count];
            for (var alternative = 0; alternative < alternatives.Count; alternative++)
            {
                starts[rule][alternative] = symbols.Count;
                symbols.AddRange(alternatives[alternative]);
                symbols.Add(Grammar.End);
            }
        }

        return new Grammar([.. symbols], [.. _classes], starts, rootRule.RuleId, starts[blocked.RuleId][0], starts[universe.RuleId][0]);
    }

    private int[] Lower(GrammarNode node)
    {
        var symbols = new List<int>();
        Append(node, symbols);
        return [.. symbols];
    }

    private void Append(GrammarNode node, List<int> symbols)
    {
        switch (node)
        {
            case ByteClassNode leaf:
                Emit(symbols, ClassIndex(leaf.Set));
                break;
            case SequenceNode sequence:
                foreach (var item in sequence.Items)
                {
                    Append(item, symbols);
                }

                break;
            case ChoiceNode choice when choice.Options.Count == 1:
                Append(choice.Options[0], symbols);
                break;
            case ChoiceNode choice:
                Emit(symbols, Grammar.Call(Rule(choice).RuleId));
                break;
            case RepeatNode repeat:
                AppendRepeat(repeat, symbols);
                break;
            case RuleNode rule:
                Emit(symbols, Grammar.Call(rule.RuleId));
                break;
            default:
                throw new InvalidOperationException($"Unknown grammar node {node.GetType().Name}.");
        }
    }

    private void Emit(List<int> symbols, int symbol)
    {
        if (++_symbolCount > MaxSymbols)
        {
            throw new ConstraintException(
                $"The constraint is too large: it expands to more than {MaxSymbols:N0} grammar symbols. Lower a count in it ({{m,n}} in a pattern, maxLength, minItems or maxItems).");
        }

        symbols.Add(symbol);
    }

    private void AppendRepeat(RepeatNode repeat, List<int> symbols)
    {
        // One copy of the item, shared by every repetition: a byte class inline, anything else as one rule.
        GrammarNode unit = repeat.Item is ByteClassNode or RuleNode ? repeat.Item : Rule(repeat.Item);
        for (var i = 0; i < repeat.Min; i++)
        {
            Append(unit, symbols);
        }

        if (repeat.Max is null)
        {
            var star = Declare();
            Define(star, GrammarNode.Choice(GrammarNode.Sequence(unit, star), GrammarNode.Empty));
            Emit(symbols, Grammar.Call(star.RuleId));
            return;
        }

        GrammarNode tail = GrammarNode.Empty;
        for (var count = repeat.Min; count < repeat.Max; count++)
        {
            tail = Rule(GrammarNode.Choice(GrammarNode.Sequence(unit, tail), GrammarNode.Empty));
        }

        Append(tail, symbols);
    }

    private int ClassIndex(ByteSet set)
    {
        if (!_classIndex.TryGetValue(set, out var index))
        {
            index = _classes.Count;
            _classes.Add(set);
            _classIndex.Add(set, index);
        }

        return index;
    }
}

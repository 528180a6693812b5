// Finds a rule that can call itself before consuming a byte (directly or through other rules, past any rules that
// may match nothing): the one shape the eager matcher cannot run.
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints.Gbnf;

internal static class LeftRecursion
{
    /// <summary>A left-recursive rule's id, or null.</summary>
    public static int? Find(IReadOnlyDictionary<int, GrammarNode> rules)
    {
        var nullable = NullableRules(rules);
        var leftCalls = rules.ToDictionary(pair => pair.Key, pair => LeftCalls(pair.Value, nullable).ToHashSet());
        foreach (var start in rules.Keys)
        {
            var seen = new HashSet<int>();
            var work = new Stack<int>(leftCalls[start]);
            while (work.Count > 0)
            {
                var rule = work.Pop();
                if (rule == start)
                {
                    return start;
                }

                if (seen.Add(rule) && leftCalls.TryGetValue(rule, out var next))
                {
                    foreach (var call in next)
                    {
                        work.Push(call);
                    }
                }
            }
        }

        return null;
    }

    private static HashSet<int> NullableRules(IReadOnlyDictionary<int, GrammarNode> rules)
    {
        var nullable = new HashSet<int>();
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (rule, body) in rules)
            {
                if (!nullable.Contains(rule) && IsNullable(body, nullable))
                {
                    changed = nullable.Add(rule);
                }
            }
        }

        return nullable;
    }

    private static bool IsNullable(GrammarNode node, HashSet<int> nullable) => node switch
    {
        ByteClassNode => false,
        SequenceNode sequence => sequence.Items.All(item => IsNullable(item, nullable)),
        ChoiceNode choice => choice.Options.Any(option => IsNullable(option, nullable)),
        RepeatNode repeat => repeat.Min == 0 || IsNullable(repeat.Item, nullable),
        RuleNode rule => nullable.Contains(rule.RuleId),
        _ => false,
    };

    private static IEnumerable<int> LeftCalls(GrammarNode node, HashSet<int> nullable)
    {
        switch (node)
        {
            case SequenceNode sequence:
                foreach (var item in sequence.Items)
                {
                    foreach (var call in LeftCalls(item, nullable))
                    {
                        yield return call;
                    }

                    if (!IsNullable(item, nullable))
                    {
                        yield break;
                    }
                }

                break;
            case ChoiceNode choice:
                foreach (var call in choice.Options.SelectMany(option => LeftCalls(option, nullable)))
                {
                    yield return call;
                }

                break;
            case RepeatNode { Max: not 0 } repeat:
                foreach (var call in LeftCalls(repeat.Item, nullable))
                {
                    yield return call;
                }

                break;
            case RuleNode rule:
                yield return rule.RuleId;
                break;
        }
    }
}

// The trie walk's mask against its slow twin: every token checked on its own, byte by byte, from the same state. On
// Qwen3's real vocabulary, at every step of walks through a few schemas.
using System.Text.Json.Nodes;
using Parley.Engine.Constraints;
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Tests.Constraints;

public class MaskReferenceTests
{
    [Theory]
    [InlineData("mixed-required")]
    [InlineData("string-pattern")]
    [InlineData("integer-straddling-zero")]
    [InlineData("recursive-tree")]
    public void Mask_EveryStepOfAWalk_EqualsTheTokenByTokenCheck(string name)
    {
        var vocabulary = TestVocabularies.Qwen3;
        var constraint = (GrammarConstraint)new ConstraintCompiler(vocabulary).Compile(new JsonSchemaOutput(SchemaCorpus.Get(name)));
        var text = ConstraintWalk.Run(constraint, vocabulary, seed: 7);
        var state = constraint.Automaton.Start;
        var steps = 0;
        foreach (var value in System.Text.Encoding.UTF8.GetBytes(text).Prepend((byte)0).Take(12))
        {
            state = steps++ == 0 ? state : constraint.Automaton.Advance(state, value);
            var fast = constraint.AllowedTokens(state);
            var slow = Reference(constraint, vocabulary, state);
            var differing = Enumerable.Range(0, vocabulary.LogitsSize).Where(id => TokenMask.IsAllowed(fast, id) != slow[id]).Take(5).ToList();
            differing.Should().BeEmpty($"the masks after {steps - 1} bytes of {text} should agree");
        }
    }

    [Fact]
    public void Mask_InsideDeeplyNestedJson_EqualsTheTokenByTokenCheck()
    {
        // Deep stacks are masked from their top frames plus a check of the tokens that reach below them.
        var vocabulary = TestVocabularies.Qwen3;
        var constraint = (GrammarConstraint)new ConstraintCompiler(vocabulary).Compile(new JsonObjectOutput());
        var state = constraint.Automaton.Start;
        foreach (var value in System.Text.Encoding.UTF8.GetBytes("{\"a\": [[{\"b\": [\"x\", 1.5e3, {\"c\": \"q\\\"\""))
        {
            state = constraint.Automaton.Advance(state, value);
            state.IsDead.Should().BeFalse();
            var fast = constraint.AllowedTokens(state);
            var slow = Reference(constraint, vocabulary, state);
            Enumerable.Range(0, vocabulary.LogitsSize).Where(id => TokenMask.IsAllowed(fast, id) != slow[id]).Take(5)
                .Should().BeEmpty($"the masks after byte '{(char)value}' should agree");
        }

        state.Stacks.Max(stack => stack.Depth).Should().BeGreaterThan(6, "the test is about stacks deeper than the exact depth");
    }

    [Fact]
    public void Apply_MasksExactlyTheDisallowedIds_ForRowsOfEveryLength()
    {
        foreach (var length in new[] { 1, 63, 64, 65, 130 })
        {
            var allowed = new ulong[(length + 63) / 64];
            var random = new Random(length);
            var expected = new bool[length];
            for (var id = 0; id < length; id++)
            {
                expected[id] = random.Next(3) == 0 || id < 64 && length == 130; // one all-ones word
                allowed[id >> 6] |= expected[id] ? 1UL << (id & 63) : 0;
            }

            var logits = Enumerable.Range(0, length).Select(id => (float)id).ToArray();
            TokenMask.Apply(allowed, logits);

            logits.Select(logit => !float.IsNegativeInfinity(logit)).Should().Equal(expected, $"length {length}");
        }
    }

    private static bool[] Reference(GrammarConstraint constraint, TokenVocabulary vocabulary, MatcherState state)
    {
        var allowed = new bool[vocabulary.LogitsSize];
        for (var id = 0; id < vocabulary.LogitsSize; id++)
        {
            allowed[id] = vocabulary.IsEos(id) ? state.IsAccepting
                : vocabulary.IsText(id) && !constraint.Automaton.Advance(state, vocabulary.Bytes(id)).IsDead;
        }

        return allowed;
    }
}

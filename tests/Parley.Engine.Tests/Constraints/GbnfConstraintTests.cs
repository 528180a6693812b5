// guided_grammar in llama.cpp's GBNF: random walks produce text the grammar describes (checked by an equivalent .NET
// regex, or by counting for the recursive grammar), and malformed or left-recursive grammars are refused by name.
using System.Text.RegularExpressions;
using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

public class GbnfConstraintTests
{
    private const string Answers = """
        # one to three answers, one per line
        root   ::= answer ("\n" answer){0,2}
        answer ::= "Answer: " ( "yes" | "no"
                              | number )
        number ::= "-"? [1-9] [0-9]{0,3}
        """;

    private const string Escapes = """
        root ::= "\x41\u00e9" [^"\n]{1,4} "\"" ws word+
        ws   ::= [ \t]?
        word ::= [a-zA-Z_] | "é"
        """;

    private const string Parentheses = """
        root ::= item+
        item ::= "(" item* ")" | [a-c]
        """;

    [Theory]
    [InlineData(Answers, @"^Answer: (yes|no|-?[1-9][0-9]{0,3})(\nAnswer: (yes|no|-?[1-9][0-9]{0,3})){0,2}$")]
    [InlineData(Escapes, "^Aé[^\"\\n]{1,4}\"[ \\t]?([a-zA-Z_]|é)+$")]
    public void Walk_Grammar_TextMatchesTheEquivalentRegex(string grammar, string equivalent)
    {
        foreach (var vocabulary in new[] { TestVocabularies.Bytes, TestVocabularies.Qwen3 })
        {
            var constraint = new ConstraintCompiler(vocabulary).Compile(new GrammarOutput(grammar));
            var texts = Enumerable.Range(0, 4).Select(seed => ConstraintWalk.Run(constraint, vocabulary, seed)).ToList();

            texts.Should().OnlyContain(text => Regex.IsMatch(text, equivalent));
        }
    }

    [Fact]
    public void Walk_RecursiveGrammar_GivesBalancedParentheses()
    {
        var constraint = new ConstraintCompiler(TestVocabularies.Bytes).Compile(new GrammarOutput(Parentheses));

        foreach (var seed in Enumerable.Range(0, 6))
        {
            var text = ConstraintWalk.Run(constraint, TestVocabularies.Bytes, seed);
            var depths = text.Select(c => c == '(' ? 1 : c == ')' ? -1 : 0).Aggregate(new List<int> { 0 }, (running, step) => [.. running, running[^1] + step]);

            text.Should().MatchRegex("^[()a-c]+$");
            depths.Should().OnlyContain(depth => depth >= 0).And.EndWith(0);
        }
    }

    [Theory]
    [InlineData("root ::= root \"a\" | \"a\"", "'root' is left-recursive")]
    [InlineData("root ::= list\nlist ::= \"x\"? root \"y\" | \"z\"", "left-recursive")]
    [InlineData("root ::= missing", "rule 'missing'")]
    [InlineData("start ::= \"a\"", "no 'root' rule")]
    [InlineData("root ::= \"a\"\nroot ::= \"b\"", "'root' is defined twice")]
    [InlineData("root ::= \"a", "unterminated string")]
    [InlineData("root ::= [a-", "unterminated character class")]
    [InlineData("root ::= \"a\" @", "unexpected '@' at line 1")]
    [InlineData("root ::= (\"a\"", "expected ')'")]
    [InlineData("root ::= \"\\q\"", @"unknown escape '\q'")]
    public void Compile_BadGrammar_IsRefusedNamingTheProblem(string grammar, string named)
    {
        var act = () => new ConstraintCompiler(TestVocabularies.Bytes).Compile(new GrammarOutput(grammar));

        act.Should().Throw<ConstraintException>().Which.Message.Should().Contain(named);
    }
}

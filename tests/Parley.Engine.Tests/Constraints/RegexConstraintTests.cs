// guided_regex and guided_choice: random walks produce text that .NET's own regex engine matches in full (ECMAScript
// mode: \w, \d and \s are ASCII there, as they are here), and unsupported constructs are refused by name.
using System.Text.RegularExpressions;
using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

public class RegexConstraintTests
{
    private const int SeedCount = 4;

    public static TheoryData<string> Patterns() =>
    [
        @"^[a-z]{3,5}@(gmail|yahoo)\.com$",
        @"\d{2}:\d{2}",
        @"[^abc]{2,4}x",
        @"(?:ab|cd)+e?",
        @"[\w.-]+",
        @"é+ñ?[α-ω]{1,3}",
        @"\w+\s\d*",
        @"a.b.c",
        @"(?<year>\d{4})-\d{2}",
        @"[\u0041-\u0043]+\x2A",
        @"x{2}y{1,}z{0,2}",
        @"[\]a-]+",
        @"\.\*\+\?\(\)",
        @"(a|b)*?c{2,3}?",
        @"[^\x00-\x7F]{2}",
        @"\S\W\D",
        @"(?:😀|😃)+!",
        @"[ぁ-ゖ]{1,3}",
    ];

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Walk_SingleByteVocabulary_TextMatchesInFull(string pattern)
    {
        AssertWalksMatch(pattern, TestVocabularies.Bytes);
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Walk_Qwen3Vocabulary_TextMatchesInFull(string pattern)
    {
        AssertWalksMatch(pattern, TestVocabularies.Qwen3);
    }

    [Theory]
    [InlineData(@"(a)\1", @"backreference '\1'")]
    [InlineData(@"(?<n>a)\k<n>", @"backreference '\k'")]
    [InlineData("(?=a)b", "lookaround")]
    [InlineData("(?<!a)b", "lookaround")]
    [InlineData(@"\bword", @"assertion '\b'")]
    [InlineData("(?i)abc", "inline flags")]
    [InlineData("a{3,1}", "maximum below its minimum")]
    [InlineData("(ab", "missing ')'")]
    [InlineData("ab)", "unbalanced ')'")]
    [InlineData("[abc", "missing ']'")]
    [InlineData(@"\p{L}", @"Unicode category '\p'")]
    [InlineData("a++", "possessive")]
    [InlineData("*a", "nothing to repeat")]
    [InlineData("a^b", "anchor '^'")]
    public void Compile_UnsupportedConstruct_IsRefusedByName(string pattern, string named)
    {
        var compiler = new ConstraintCompiler(TestVocabularies.Bytes);

        var act = () => compiler.Compile(new RegexOutput(pattern));

        act.Should().Throw<ConstraintException>().Which.Message.Should().Contain(named).And.Contain(pattern);
    }

    [Theory]
    [InlineData("yes|no|maybe")]
    [InlineData("a|ab|abc")]
    [InlineData("Paris|Parme|巴黎|")]
    public void Walk_Choice_TextIsOneOfTheChoices(string joined)
    {
        var choices = joined.Split('|');
        foreach (var vocabulary in new[] { TestVocabularies.Bytes, TestVocabularies.Qwen3 })
        {
            var constraint = new ConstraintCompiler(vocabulary).Compile(new ChoiceOutput(choices));
            for (var seed = 0; seed < SeedCount; seed++)
            {
                choices.Should().Contain(ConstraintWalk.Run(constraint, vocabulary, seed));
            }
        }
    }

    [Fact]
    public void Compile_EmptyChoiceList_IsRefused()
    {
        var act = () => new ConstraintCompiler(TestVocabularies.Bytes).Compile(new ChoiceOutput([]));

        act.Should().Throw<ConstraintException>().WithMessage("*no choices*");
    }

    private static void AssertWalksMatch(string pattern, TokenVocabulary vocabulary)
    {
        var constraint = new ConstraintCompiler(vocabulary).Compile(new RegexOutput(pattern));
        var reference = new Regex($"^(?:{pattern.TrimStart('^').TrimEnd('$')})$", RegexOptions.ECMAScript);
        var texts = Enumerable.Range(0, SeedCount).Select(seed => ConstraintWalk.Run(constraint, vocabulary, seed)).ToList();

        texts.Should().OnlyContain(text => reference.IsMatch(text), $"every walk should match /{pattern}/ in full");
    }
}

// The matcher's contract over the single-byte test tokenizer: what the mask allows, what Accept refuses, when EOS is
// allowed and when the output is terminated.
using System.Text;
using Parley.Engine.Constraints;
using Parley.Engine.Tests.Text;

namespace Parley.Engine.Tests.Constraints;

public class GrammarMatcherTests
{
    private static readonly TokenVocabulary Bytes = TestVocabularies.Bytes;

    [Fact]
    public void Mask_BeforeTheOutputIsComplete_DisallowsEos()
    {
        var matcher = Start(new ChoiceOutput(["yes", "no"]));
        Feed(matcher, "ye");

        Allowed(matcher).Should().Equal('s');
    }

    [Fact]
    public void Mask_WhereTheOutputIsComplete_AllowsEosAndContinuations()
    {
        var matcher = Start(new ChoiceOutput(["a", "ab"]));
        Feed(matcher, "a");

        AllowedIds(matcher).Should().Equal('b', TestTokenizers.EndOfText);
    }

    [Fact]
    public void Mask_NeverAllowsSpecialEmptyPaddedIdsOrBrokenUtf8()
    {
        var matcher = Start(new RegexOutput(@"[\s\S]*"));

        var allowed = AllowedIds(matcher);

        allowed.Should().Contain(Enumerable.Range(0, 128)).And.Contain(Enumerable.Range(0xC2, 0xEF - 0xC2 + 1)).And.Contain([256, 257, 301, TestTokenizers.EndOfText]);
        allowed.Should().NotContain(Enumerable.Range(0x80, 0xC2 - 0x80), "a continuation byte or overlong lead cannot start a character");
        allowed.Should().NotContain(Enumerable.Range(0xF0, 256 - 0xF0), "\\S and \\s name no character past U+FFFF, and F5..FF never occur in UTF-8");
        allowed.Should().NotContain(Enumerable.Range(258, TestTokenizers.EndOfText - 258), "ids 258..299 have no bytes");
        allowed.Should().NotContain(Enumerable.Range(302, TestVocabularies.ByteLogitsSize - 302), "ids past the tokenizer pad the logits row");
    }

    [Fact]
    public void Mask_MultiByteToken_IsAllowedOnlyWhenAllItsBytesFit()
    {
        var hello = Start(new RegexOutput(" hel+o!"));
        var hex = Start(new RegexOutput(" he[a-f]"));

        AllowedIds(hello).Should().Contain(256);
        AllowedIds(hex).Should().NotContain(256).And.Contain(' ');
    }

    [Fact]
    public void Accept_TokenTheMaskRefuses_ReturnsFalseAndStaysPut()
    {
        var matcher = Start(new ChoiceOutput(["cat"]));

        matcher.Accept('d').Should().BeFalse();
        matcher.Accept(TestTokenizers.EndOfText).Should().BeFalse();
        matcher.Accept(TestTokenizers.ThinkOpen).Should().BeFalse();
        Allowed(matcher).Should().Equal('c');
    }

    [Fact]
    public void IsTerminated_AfterTheLastPossibleByte_IsTrue()
    {
        var matcher = Start(new ChoiceOutput(["a", "abc"]));

        Feed(matcher, "ab");
        matcher.IsTerminated.Should().BeFalse();
        Feed(matcher, "c");
        matcher.IsTerminated.Should().BeTrue();
        AllowedIds(matcher).Should().Equal(TestTokenizers.EndOfText);
    }

    [Fact]
    public void IsTerminated_AfterEos_IsTrueAndOnlyEosStaysAllowed()
    {
        var matcher = Start(new ChoiceOutput(["a", "ab"]));
        Feed(matcher, "a");

        matcher.Accept(TestTokenizers.EndOfText).Should().BeTrue();

        matcher.IsTerminated.Should().BeTrue();
        matcher.Accept('b').Should().BeFalse();
        AllowedIds(matcher).Should().Equal(TestTokenizers.EndOfText);
    }

    [Fact]
    public void Mask_LogitsRowOfTheWrongLength_Throws()
    {
        var matcher = Start(new ChoiceOutput(["a"]));

        var act = () => matcher.Mask(new float[TestVocabularies.ByteLogitsSize - 1]);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Start_OnAVocabularyThatStripsALeadingSpace_AllowsOneOptionalSpace()
    {
        var compiler = new ConstraintCompiler(TestVocabularies.Metaspace);
        var matcher = compiler.Compile(new ChoiceOutput(["Hello"])).Start();

        var logits = new float[8];
        matcher.Mask(logits);

        // Id 6 is "▁Hello" (" Hello"); "<s>" (1) is special and EOS is not yet allowed; byte tokens spell no "H".
        Enumerable.Range(0, 8).Where(id => !float.IsNegativeInfinity(logits[id])).Should().Equal(6);
        matcher.Accept(6).Should().BeTrue();
        matcher.IsTerminated.Should().BeTrue();
    }

    private static ITokenMatcher Start(OutputConstraint spec) => new ConstraintCompiler(Bytes).Compile(spec).Start();

    private static void Feed(ITokenMatcher matcher, string text)
    {
        foreach (var value in Encoding.UTF8.GetBytes(text))
        {
            matcher.Accept(value).Should().BeTrue($"byte '{(char)value}' should be accepted");
        }
    }

    private static int[] AllowedIds(ITokenMatcher matcher)
    {
        var logits = new float[Bytes.LogitsSize];
        matcher.Mask(logits);
        return [.. Enumerable.Range(0, logits.Length).Where(id => !float.IsNegativeInfinity(logits[id]))];
    }

    private static char[] Allowed(ITokenMatcher matcher) => [.. AllowedIds(matcher).Select(id => (char)id)];
}

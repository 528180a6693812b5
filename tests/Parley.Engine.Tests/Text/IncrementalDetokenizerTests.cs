using System.Buffers;
using System.Text;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class IncrementalDetokenizerTests
{
    public static TheoryData<string> TrickyTexts() => new()
    {
        "plain ascii",
        "你好，世界！中文分词",
        "emoji 👩‍👩‍👧‍👦 and 🇯🇵 flags",
        "mixed é ñ ü ß and Ω≈ç√∫",
        "\n\n  tabs\tand   runs of spaces  \n",
        "<think>\nreasoning\n</think>\n\nanswer",
        "עברית ו-العربية",
    };

    [Theory]
    [MemberData(nameof(TrickyTexts))]
    public void Append_ByteByByte_NeverEmitsHalfACharacterAndConcatenatesToTheText(string text)
    {
        var detokenizer = new IncrementalDetokenizer(TestTokenizers.ByteLevel);
        var deltas = TestTokenizers.ByteIds(text).Select(detokenizer.Append).Append(detokenizer.Flush()).ToList();

        deltas.Should().OnlyContain(delta => !delta.Contains('\uFFFD'));
        deltas.Should().OnlyContain(delta => delta.Length == 0 || !char.IsHighSurrogate(delta[delta.Length - 1]));
        string.Concat(deltas).Should().Be(text);
    }

    [Theory]
    [MemberData(nameof(TrickyTexts))]
    public void Append_EveryPrefix_IsAPrefixOfTheFullDecode(string text)
    {
        var ids = TestTokenizers.ByteIds(text);
        var full = IncrementalDetokenizer.DecodeAll(TestTokenizers.ByteLevel, ids);

        for (var prefix = 0; prefix <= ids.Length; prefix++)
        {
            var detokenizer = new IncrementalDetokenizer(TestTokenizers.ByteLevel);
            var streamed = string.Concat(ids.Take(prefix).Select(detokenizer.Append));
            full.Should().StartWith(streamed);
            streamed.Should().NotContain("\uFFFD");
        }
    }

    [Fact]
    public void Append_MergedTokens_DecodeTheirBytesWithTheLeadingSpace()
    {
        var detokenizer = new IncrementalDetokenizer(TestTokenizers.ByteLevel);

        detokenizer.Append(256).Should().Be(" hello");
        detokenizer.Append(257).Should().Be("你好");
    }

    [Fact]
    public void Append_SpecialTokens_AreSkippedUnlessAsked()
    {
        new IncrementalDetokenizer(TestTokenizers.ByteLevel).Append(TestTokenizers.EndOfText).Should().BeEmpty();
        new IncrementalDetokenizer(TestTokenizers.ByteLevel, skipSpecialTokens: false).Append(TestTokenizers.EndOfText).Should().Be("<|endoftext|>");
        new IncrementalDetokenizer(TestTokenizers.ByteLevel).Append(TestTokenizers.ThinkOpen).Should().Be("<think>", "added tokens that are not special are text");
    }

    [Fact]
    public void Flush_BytesThatNeverCompleteACharacter_BecomeOneReplacementCharacter()
    {
        var detokenizer = new IncrementalDetokenizer(TestTokenizers.ByteLevel);

        detokenizer.Append(0xE4).Should().BeEmpty();
        detokenizer.Append(0xBD).Should().BeEmpty();
        detokenizer.HasPendingBytes.Should().BeTrue();
        detokenizer.Flush().Should().Be("\uFFFD");
    }

    [Fact]
    public void Append_InvalidByteInTheMiddle_IsReplacedAtOnceLikeTheFullDecode()
    {
        int[] ids = [0x61, 0xFF, 0x62];

        var streamed = new IncrementalDetokenizer(TestTokenizers.ByteLevel);
        string.Concat(ids.Select(streamed.Append)).Should().Be("a\uFFFDb");
        Encoding.UTF8.GetString([0x61, 0xFF, 0x62]).Should().Be("a\uFFFDb");
    }

    [Fact]
    public void Append_ByteFallbackVocabulary_DecodesSpacesAndRawBytes()
    {
        var detokenizer = new IncrementalDetokenizer(TestTokenizers.Metaspace);
        int[] ids = [1, 6, 7, 2, 3, 4, 5];

        var deltas = ids.Select(detokenizer.Append).ToList();

        string.Concat(deltas).Should().Be("Hello world\n你", "the first word's space is stripped, <0x..> tokens are bytes");
        deltas[4].Should().BeEmpty();
        deltas[5].Should().BeEmpty();
        deltas[6].Should().Be("你");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(64)]
    public void Decode_IntoASmallBuffer_ReportsDestinationTooSmallAndResumes(int size)
    {
        var text = "你好 world";
        var ids = TestTokenizers.ByteIds(text);
        var detokenizer = new IncrementalDetokenizer(TestTokenizers.ByteLevel);
        var output = new StringBuilder();
        var buffer = new char[Math.Max(size, 1)];
        var remaining = ids.AsSpan();
        var guard = 0;
        OperationStatus status;
        do
        {
            status = detokenizer.Decode(remaining, buffer.AsSpan(0, size), out var consumed, out var written);
            output.Append(buffer, 0, written);
            remaining = remaining[consumed..];
            if (status == OperationStatus.DestinationTooSmall && consumed == 0)
            {
                size = Math.Max(size, 8);
                buffer = new char[size];
            }
        }
        while (status == OperationStatus.DestinationTooSmall && ++guard < 100);

        status.Should().Be(OperationStatus.Done);
        output.ToString().Should().Be(text);
    }
}

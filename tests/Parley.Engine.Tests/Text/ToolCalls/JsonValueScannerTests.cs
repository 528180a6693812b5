// The scanner against System.Text.Json: for hand-picked edge cases and for thousands of mutated documents, the
// scanner accepts exactly what JsonDocument.Parse accepts, and marks the value's last character as its end.
using System.Text;
using System.Text.Json;
using Parley.Engine.Text.ToolCalls;

namespace Parley.Engine.Tests.Text.ToolCalls;

public class JsonValueScannerTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("  {\"a\": [1, -0.5e+3, true, false, null, \"x\\\"}\\u00e9\"]}")]
    [InlineData("[]")]
    [InlineData("\"text with { and ]\"")]
    [InlineData("0")]
    [InlineData("-12.5E-2")]
    [InlineData("true")]
    [InlineData("{\"nested\": {\"deeper\": [[{}], []]}}")]
    [InlineData("{")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\": 1,}")]
    [InlineData("[1 2]")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData("-")]
    [InlineData("1e")]
    [InlineData("tru")]
    [InlineData("nul1")]
    [InlineData("\"bad \\x escape\"")]
    [InlineData("\"\\u12G4\"")]
    [InlineData("{\"a\": 1}}")]
    [InlineData("{'a': 1}")]
    [InlineData("\"tab\there\"")]
    [InlineData("{} x")]
    [InlineData("")]
    public void Feed_EdgeCases_AcceptsWhatSystemTextJsonAccepts(string text)
    {
        Accepts(text).Should().Be(SystemTextJsonAccepts(text));
    }

    [Fact]
    public void Feed_MutatedDocuments_AcceptsWhatSystemTextJsonAccepts()
    {
        var random = new Random(20261203);
        var alphabet = "{}[]\",:\\ 0123456789.-+eEtrufalsn\u00e9a";
        for (var i = 0; i < 5000; i++)
        {
            var document = new StringBuilder(ToolCallGoldens.TrickyArguments);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(document.Length);
                if (char.IsSurrogate(document[at]))
                {
                    continue; // Half an emoji is not text at all; System.Text.Json refuses it before parsing.
                }

                if (random.Next(2) == 0)
                {
                    document.Remove(at, 1);
                }
                else
                {
                    document.Insert(at, alphabet[random.Next(alphabet.Length)]);
                }
            }

            var text = document.ToString();
            Accepts(text).Should().Be(SystemTextJsonAccepts(text), text);
        }
    }

    [Fact]
    public void Feed_ObjectValue_CompletesAtItsClosingBrace()
    {
        var scanner = new JsonValueScanner();
        var steps = " {\"a\": \"}\"}x".Select(scanner.Feed).ToList();

        steps.Should().Equal(
            JsonStep.Leading, JsonStep.Inside, JsonStep.Inside, JsonStep.Inside, JsonStep.Inside, JsonStep.Inside,
            JsonStep.Inside, JsonStep.Inside, JsonStep.Inside, JsonStep.Inside, JsonStep.Completed, JsonStep.EndedBefore);
    }

    [Fact]
    public void Feed_NumberValue_EndsBeforeTheFirstCharacterThatIsNotPartOfIt()
    {
        var scanner = new JsonValueScanner();

        "12".Select(scanner.Feed).Should().Equal(JsonStep.Inside, JsonStep.Inside);
        scanner.IsCompleteAtEnd.Should().BeTrue();
        scanner.Feed('}').Should().Be(JsonStep.EndedBefore);
    }

    // The scanner's verdict on a whole text: one value, whitespace around it allowed.
    private static bool Accepts(string text)
    {
        var scanner = new JsonValueScanner();
        for (var i = 0; i < text.Length; i++)
        {
            switch (scanner.Feed(text[i]))
            {
                case JsonStep.Invalid:
                    return false;
                case JsonStep.Completed:
                    return text[(i + 1)..].All(JsonValueScanner.IsWhitespace);
                case JsonStep.EndedBefore:
                    return text[i..].All(JsonValueScanner.IsWhitespace);
            }
        }

        return scanner.IsCompleteAtEnd;
    }

    private static bool SystemTextJsonAccepts(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

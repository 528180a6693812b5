// Random answers built from pieces of every format's markup, JSON and prose. Whatever the text, a parser must not
// throw, must give the same result however the text is cut, and when it reports no malformed call, every call's
// arguments must be one JSON value and ParseWhole must agree with the stream.
using System.Text;
using System.Text.Json;
using Parley.Engine.Text.ToolCalls;

namespace Parley.Engine.Tests.Text.ToolCalls;

public class ToolCallFuzzTests
{
    private static readonly string[] Fragments =
    [
        "<tool_call>", "</tool_call>", "<tool_", "<|python_tag|>", "<|python", "[TOOL_CALLS]", "[ARGS]", "[TOOL", "[",
        "]", "<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>", "<｜tool▁sep｜>",
        "<｜tool▁call", "function", "```json\n", "\n```", "{", "}", "{\"name\": \"f\", \"arguments\": ", "{\"name\": \"g\", \"parameters\": ",
        "{\"a\": [1, \"}\", {\"b\": null}]}", "\"x\\\"y\"", ", ", ": ", "get_weather", "; ", "\n", " ", "Hello", "é日", "12", "true",
    ];

    public static TheoryData<string> Formats => new(ToolCallFormat.Names);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Append_RandomMarkup_IsTheSameHoweverCutAndWellFormedWhenNotFlagged(string name)
    {
        var format = ToolCallFormat.ByName(name);
        var random = new Random(name.Length * 7919);
        var goldens = ToolCallGoldens.All.Where(g => g.Format == name).Select(g => g.Text).ToArray();
        var withCallsCount = 0;
        for (var i = 0; i < 400; i++)
        {
            var text = i % 2 == 0 ? RandomAnswer(random) : Mutated(random, goldens[random.Next(goldens.Length)]);
            var oneShot = Stream(format, [text]);
            withCallsCount += oneShot.Calls.Count > 0 ? 1 : 0;
            var cuts = RandomCuts(random, text);

            Stream(format, cuts).Should().BeEquivalentTo(oneShot, o => o.Excluding(d => d.Path.EndsWith("Id", StringComparison.Ordinal)), text);
            var whole = format.ParseWhole(text);
            if (whole.Calls.Count > 0 || whole.Content != text)
            {
                whole.Should().BeEquivalentTo(oneShot, o => o.Excluding(d => d.Path.EndsWith("Id", StringComparison.Ordinal)), text);
                whole.Calls.Where(c => !IsOneJsonValue(c.Arguments)).Should().BeEmpty(text);
            }
        }

        withCallsCount.Should().BeGreaterThan(100, "the answers must exercise calls, not only prose");
    }

    // A golden answer with a fragment inserted or a few characters removed somewhere.
    private static string Mutated(Random random, string golden)
    {
        var text = new StringBuilder(golden);
        var at = random.Next(text.Length + 1);
        if (random.Next(2) == 0)
        {
            text.Insert(at, Fragments[random.Next(Fragments.Length)]);
        }
        else
        {
            text.Remove(at, Math.Min(random.Next(1, 4), text.Length - at));
        }

        // Detokenized text never holds half a surrogate pair; a mutation that split one is not an answer.
        var mutated = text.ToString();
        return mutated.Where((c, i) => char.IsHighSurrogate(c) != (i + 1 < mutated.Length && char.IsLowSurrogate(mutated[i + 1]))).Any()
            || (mutated.Length > 0 && char.IsLowSurrogate(mutated[0])) ? golden : mutated;
    }

    private static ToolParse Stream(ToolCallFormat format, IEnumerable<string> pieces)
    {
        var parser = format.CreateParser();
        var parses = pieces.Select(parser.Append).ToList();
        parses.Add(parser.Finish());
        return ToolParses.Merge(parses);
    }

    private static string RandomAnswer(Random random)
    {
        var text = new StringBuilder();
        for (var count = random.Next(1, 12); count > 0; count--)
        {
            text.Append(Fragments[random.Next(Fragments.Length)]);
        }

        return text.ToString();
    }

    private static List<string> RandomCuts(Random random, string text)
    {
        var pieces = new List<string>();
        for (var at = 0; at < text.Length;)
        {
            var length = Math.Min(random.Next(1, 6), text.Length - at);
            pieces.Add(text.Substring(at, length));
            at += length;
        }

        return pieces;
    }

    private static bool IsOneJsonValue(string text)
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

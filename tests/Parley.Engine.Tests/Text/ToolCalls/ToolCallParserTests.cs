// Every format against its golden answers, whole and streamed. A stream is cut in two at every position and fed one
// character at a time; whatever the cut, the pieces must add up to the golden answer, no content piece may carry
// markup or part of a marker, and each call must open with one delta carrying its id and name.
using System.Globalization;
using System.Text.RegularExpressions;
using Parley.Engine.Text.ToolCalls;

namespace Parley.Engine.Tests.Text.ToolCalls;

public partial class ToolCallParserTests
{
    public static TheoryData<ToolCallGolden> Goldens => new(ToolCallGoldens.All);

    public static TheoryData<ToolCallGolden> MalformedGoldens => new(ToolCallGoldens.All.Where(g => g.IsMalformed));

    [Theory]
    [MemberData(nameof(Goldens))]
    public void ParseWhole_Golden_GivesTheGoldenContentAndCalls(ToolCallGolden golden)
    {
        var parse = ToolCallFormat.ByName(golden.Format).ParseWhole(golden.Text);

        parse.Content.Should().Be(golden.Content);
        Simplify(parse).Should().Equal(golden.Calls);
        parse.Calls.Select(c => c.Index).Should().Equal(Enumerable.Range(0, golden.Calls.Length));
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Append_TheTextCutInTwoAnywhere_AddsUpToTheGolden(ToolCallGolden golden)
    {
        foreach (var cut in CutPositions(golden.Text))
        {
            AssertStream(golden, [golden.Text[..cut], golden.Text[cut..]], $"cut at {cut}");
        }
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Append_OneCharacterAtATime_AddsUpToTheGolden(ToolCallGolden golden)
    {
        var cuts = CutPositions(golden.Text).Prepend(0).Append(golden.Text.Length).Distinct().ToList();
        var pieces = cuts.Zip(cuts.Skip(1), (from, to) => golden.Text[from..to]).ToList();
        AssertStream(golden, pieces, "one character at a time");
    }

    [Fact]
    public void Append_ArgumentsMidway_StreamBeforeTheCallEnds()
    {
        var parser = ToolCallFormat.Hermes.CreateParser();

        var first = parser.Append("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Par");
        var second = parser.Append("is\"}}\n</tool");

        first.Calls.Should().ContainSingle().Which.Should().Match<ToolCallDelta>(d =>
            d.Index == 0 && d.Id != null && d.Name == "get_weather" && d.Arguments == "{\"city\": \"Par");
        second.Calls.Should().Equal(new ToolCallDelta(0, null, null, "is\"}"));
        parser.Finish().Should().Be(ToolParse.Empty);
    }

    public static TheoryData<ToolCallGolden> StreamableGoldens => new(ToolCallGoldens.All.Where(g =>
        !g.IsMalformed && g.Calls.Length > 0 && g.Calls[0].Arguments.Length > 2 && FirstArgumentsAt(g) > g.Text.IndexOf(g.Calls[0].Name, StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(StreamableGoldens))]
    public void Append_HalfTheFirstArguments_AreSentAtOnceWithTheName(ToolCallGolden golden)
    {
        var arguments = golden.Calls[0].Arguments;
        var half = FirstArgumentsAt(golden) + (arguments.Length / 2);
        if (char.IsLowSurrogate(golden.Text[half]))
        {
            half++;
        }

        var sent = arguments[..(half - FirstArgumentsAt(golden))];

        var parse = ToolCallFormat.ByName(golden.Format).CreateParser().Append(golden.Text[..half]);

        parse.Calls.Should().ContainSingle().Which.Should().Match<ToolCallDelta>(d =>
            d.Index == 0 && d.Name == golden.Calls[0].Name && d.Arguments == sent);
    }

    [Fact]
    public void ParseWhole_LongArguments_AreReadInOnePass()
    {
        // 400,000 characters: one pass takes milliseconds; rebuilding the arguments string per character would copy
        // ~80 billion characters and take minutes.
        var arguments = $$"""{"text": "{{new string('x', 400_000)}}"}""";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var parse = ToolCallFormat.Mistral.ParseWhole("[TOOL_CALLS]write[ARGS]" + arguments);

        parse.Calls.Should().ContainSingle().Which.Arguments.Should().Be(arguments);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Append_TextThatMayBeginAMarker_IsHeldUntilItCannot()
    {
        var parser = ToolCallFormat.Hermes.CreateParser();

        parser.Append("Hi <tool_").Content.Should().Be("Hi ");
        parser.Append("box>").Content.Should().Be("<tool_box>");
    }

    [Fact]
    public void Finish_AHeldMarkerPrefix_IsReleasedAsContent()
    {
        var parser = ToolCallFormat.DeepSeekV3.CreateParser();

        parser.Append("end <｜tool▁ca").Content.Should().Be("end ");
        parser.Finish().Content.Should().Be("<｜tool▁ca");
    }

    [Theory]
    [InlineData("hermes")]
    [InlineData("llama3_json")]
    [InlineData("deepseek_v3")]
    [InlineData("deepseek_v31")]
    public void OpenCall_IdsAreVllmShaped(string format)
    {
        var ids = StreamedIds(ToolCallGoldens.All.First(g => g.Format == format && g.Case == "two calls"));

        ids.Should().HaveCount(2).And.OnlyHaveUniqueItems().And.OnlyContain(id => OpenAiId().IsMatch(id));
    }

    [Fact]
    public void OpenCall_MistralIdsAreNineAlphanumerics()
    {
        var ids = StreamedIds(ToolCallGoldens.All.First(g => g.Format == "mistral" && g.Case == "name[ARGS] form, two calls"));

        ids.Should().HaveCount(2).And.OnlyHaveUniqueItems().And.OnlyContain(id => MistralId().IsMatch(id));
    }

    [Theory]
    [MemberData(nameof(MalformedGoldens))]
    public void ParseWhole_MalformedCall_GivesTheWholeTextAsContentLikeVllm(ToolCallGolden golden)
    {
        ToolCallFormat.ByName(golden.Format).ParseWhole(golden.Text).Should().BeEquivalentTo(new ToolParse(golden.Text, []));
    }

    private static void AssertStream(ToolCallGolden golden, IReadOnlyList<string> pieces, string because)
    {
        var format = ToolCallFormat.ByName(golden.Format);
        var parser = format.CreateParser();
        var parses = pieces.Select(parser.Append).ToList();
        parses.Add(parser.Finish());
        var merged = ToolParses.Merge(parses);
        var (content, calls) = golden.Streamed ?? (golden.Content, golden.Calls);

        merged.Content.Should().Be(content, because);
        Simplify(merged).Should().Equal(calls, because);
        AssertCallsOpenOnce(parses, because);
        if (!golden.IsMalformed)
        {
            AssertNoMarkupInContent(format, parses, because);
        }
    }

    private static void AssertCallsOpenOnce(List<ToolParse> parses, string because)
    {
        var deltas = parses.SelectMany(p => p.Calls).ToList();
        var opened = new HashSet<int>();
        foreach (var delta in deltas)
        {
            var isFirst = opened.Add(delta.Index);
            (delta.Id is not null && delta.Name is not null).Should().Be(isFirst, $"only a call's first delta names it ({because})");
            (isFirst || delta.Arguments.Length > 0).Should().BeTrue($"a later delta carries arguments ({because})");
            if (isFirst)
            {
                delta.Index.Should().Be(opened.Count - 1, $"calls are numbered in order ({because})");
            }
        }
    }

    // No content piece may hold a marker, nor stop inside one that the next pieces complete.
    private static void AssertNoMarkupInContent(ToolCallFormat format, List<ToolParse> parses, string because)
    {
        var content = string.Concat(parses.Select(p => p.Content));
        var boundaries = new HashSet<int>();
        var position = 0;
        foreach (var parse in parses)
        {
            position += parse.Content.Length;
            boundaries.Add(position);
        }

        foreach (var marker in format.Markers)
        {
            parses.Should().NotContain(p => p.Content.Contains(marker, StringComparison.Ordinal), because);
            for (var at = content.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = content.IndexOf(marker, at + 1, StringComparison.Ordinal))
            {
                Enumerable.Range(at + 1, marker.Length - 1).Should().NotIntersectWith(boundaries, $"a marker was split across content ({because})");
            }
        }
    }

    private static List<string> StreamedIds(ToolCallGolden golden)
    {
        var parser = ToolCallFormat.ByName(golden.Format).CreateParser();
        var parses = golden.Text.Select(c => parser.Append(c.ToString(CultureInfo.InvariantCulture))).ToList();
        parses.Add(parser.Finish());
        return parses.SelectMany(p => p.Calls).Where(d => d.Id is not null).Select(d => d.Id!).ToList();
    }

    private static int FirstArgumentsAt(ToolCallGolden golden) => golden.Text.IndexOf(golden.Calls[0].Arguments, StringComparison.Ordinal);

    private static GoldenCall[] Simplify(ToolParse parse) => parse.Calls.Select(c => new GoldenCall(c.Name!, c.Arguments)).ToArray();

    // Detokenized text never splits a UTF-16 surrogate pair, so neither do the cuts.
    private static IEnumerable<int> CutPositions(string text) =>
        Enumerable.Range(0, text.Length + 1).Where(i => i == 0 || i == text.Length || !char.IsLowSurrogate(text[i]));

    [GeneratedRegex("^chatcmpl-tool-[0-9a-f]{32}$")]
    private static partial Regex OpenAiId();

    [GeneratedRegex("^[a-zA-Z0-9]{9}$")]
    private static partial Regex MistralId();
}

using Parley.Engine.Text.ToolCalls;
using Parley.Worker.Http;
using Parley.Worker.Http.Tools;

namespace Parley.Worker.Tests.Http.Tools;

// Answers constrained to tool calls, read back as OpenAI tool calls however the text is split while streaming.
public class ConstrainedCallParsersTests
{
    private const string Calls = """[{"name": "lookup", "parameters": {"item": "a \"}\" brace", "n": [1, {"x": 2}]}}, {"name": "now", "parameters": {}}]""";

    [Fact]
    public void Required_ReadsEachCall_AtEverySplit()
    {
        for (var split = 0; split <= Calls.Length; split++)
        {
            var parser = new RequiredToolCallsParser();
            var deltas = parser.Append(Calls[..split]).Calls.Concat(parser.Append(Calls[split..]).Calls).Concat(parser.Finish().Calls).ToList();

            deltas.Select(call => (call.Index, call.Name, call.Arguments)).Should().Equal(
                [(0, "lookup", """{"item": "a \"}\" brace", "n": [1, {"x": 2}]}"""), (1, "now", "{}")], $"split at {split}");
            deltas.Should().OnlyContain(call => call.Id!.StartsWith("chatcmpl-tool-", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Required_OneCharacterAtATime_SendsEachCallWhole()
    {
        var parser = new RequiredToolCallsParser();

        var deltas = Calls.SelectMany(c => parser.Append(c.ToString()).Calls).ToList();

        deltas.Should().HaveCount(2);
        deltas[1].Name.Should().Be("now");
    }

    [Fact]
    public void Named_OpensTheCallOnce_ThenStreamsArguments()
    {
        var parser = new NamedToolCallParser("lookup");

        var deltas = new[] { " {\"item\"", ": \"x\"", "}" }.SelectMany(piece => parser.Append(piece).Calls).ToList();

        deltas[0].Should().Match<ToolCallDelta>(call => call.Index == 0 && call.Name == "lookup" && call.Id != null && call.Arguments == "{\"item\"");
        deltas.Skip(1).Should().OnlyContain(call => call.Index == 0 && call.Id == null && call.Name == null);
        string.Concat(deltas.Select(call => call.Arguments)).Should().Be("{\"item\": \"x\"}");
    }

    [Fact]
    public void FirstCallOnly_DropsLaterCalls_AndKeepsContent()
    {
        var parser = new FirstCallOnlyParser(new RequiredToolCallsParser());

        parser.Append(Calls).Calls.Should().ContainSingle().Which.Name.Should().Be("lookup");
    }

    [Fact]
    public void Whole_JoinsEachCallsPieces_InIndexOrder()
    {
        ToolCallDelta[] deltas = [new(1, "b", "second", "{"), new(0, "a", "first", "{}"), new(1, null, null, "}")];

        var calls = ToolCallsJson.Whole(deltas);

        calls.Select(call => (call!["id"]!.GetValue<string>(), call["function"]!["name"]!.GetValue<string>(), call["function"]!["arguments"]!.GetValue<string>()))
            .Should().Equal(("a", "first", "{}"), ("b", "second", "{}"));
        ToolCallsJson.Deltas(deltas)[2]!.ToJsonString().Should().Be("""{"index":1,"function":{"arguments":"}"}}""");
        ToolCallsJson.Deltas(deltas)[0]!.ToJsonString().Should().Be("""{"index":1,"id":"b","type":"function","function":{"name":"second","arguments":"{"}}""");
    }
}

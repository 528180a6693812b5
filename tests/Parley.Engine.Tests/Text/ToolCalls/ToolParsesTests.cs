using Parley.Engine.Text.ToolCalls;

namespace Parley.Engine.Tests.Text.ToolCalls;

public class ToolParsesTests
{
    [Fact]
    public void Merge_StreamedPieces_FoldEachCallIntoOneDeltaInIndexOrder()
    {
        ToolParse[] pieces =
        [
            new("Hello ", [new ToolCallDelta(0, "id-a", "a", "{\"x\": ")]),
            new("world", [new ToolCallDelta(0, null, null, "1}"), new ToolCallDelta(1, "id-b", "b", "")]),
            ToolParse.Empty,
            new("", [new ToolCallDelta(1, null, null, "{}")]),
        ];

        var merged = ToolParses.Merge(pieces);

        merged.Content.Should().Be("Hello world");
        merged.Calls.Should().Equal(new ToolCallDelta(0, "id-a", "a", "{\"x\": 1}"), new ToolCallDelta(1, "id-b", "b", "{}"));
    }

    [Fact]
    public void Merge_NoPieces_IsEmpty()
    {
        ToolParses.Merge([]).Should().BeEquivalentTo(ToolParse.Empty);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Parley.Router.Routing;

namespace Parley.Router.Tests.Routing;

public class RoutingKeyTests
{
    private static ulong? Key(JsonNode body) => RoutingKey.From(Encoding.UTF8.GetBytes(body.ToJsonString()));

    private static JsonObject Chat(string system, params string[] turns)
    {
        var messages = new JsonArray { new JsonObject { ["role"] = "system", ["content"] = system } };
        for (var i = 0; i < turns.Length; i++)
        {
            messages.Add(new JsonObject { ["role"] = i % 2 == 0 ? "user" : "assistant", ["content"] = turns[i] });
        }

        return new JsonObject { ["model"] = "m", ["messages"] = messages, ["stream"] = true };
    }

    [Fact]
    public void Chat_LaterTurnsOfOneConversation_KeepTheFirstTurnsKey() =>
        Key(Chat("You are terse.", "hi", "hello", "how are you?", "fine")).Should().Be(Key(Chat("You are terse.", "hi")));

    [Fact]
    public void Chat_DifferentSystemPrompts_HaveDifferentKeys() =>
        Key(Chat("You are terse.", "hi")).Should().NotBe(Key(Chat("You are verbose.", "hi")));

    [Fact]
    public void Chat_DifferentFirstQuestions_HaveDifferentKeys() =>
        Key(Chat("You are terse.", "hi")).Should().NotBe(Key(Chat("You are terse.", "bye")));

    [Fact]
    public void Chat_DifferentModels_HaveDifferentKeys()
    {
        var other = Chat("s", "hi");
        other["model"] = "n";
        Key(Chat("s", "hi")).Should().NotBe(Key(other));
    }

    [Fact]
    public void Chat_SamplingParameters_DoNotChangeTheKey()
    {
        var other = Chat("s", "hi");
        other["temperature"] = 0.2;
        other["stream"] = false;
        Key(Chat("s", "hi")).Should().Be(Key(other));
    }

    [Fact]
    public void Completion_SameFirst256Characters_ShareAKey()
    {
        var prefix = new string('x', RoutingKey.PromptPrefixChars);
        Key(new JsonObject { ["model"] = "m", ["prompt"] = prefix + " first" })
            .Should().Be(Key(new JsonObject { ["model"] = "m", ["prompt"] = prefix + " and a much longer continuation" }));
    }

    [Fact]
    public void Completion_DifferentOpenings_HaveDifferentKeys() =>
        Key(new JsonObject { ["prompt"] = "Once upon a time" }).Should().NotBe(Key(new JsonObject { ["prompt"] = "In the beginning" }));

    [Fact]
    public void Completion_TokenIdPrompts_AreKeyedByTheirFirstIds()
    {
        JsonArray Ids(int count) => [.. Enumerable.Range(1, count).Select(i => (JsonNode)i)];
        Key(new JsonObject { ["prompt"] = Ids(RoutingKey.PromptPrefixTokens + 5) }).Should().Be(Key(new JsonObject { ["prompt"] = Ids(RoutingKey.PromptPrefixTokens + 50) }));
        Key(new JsonObject { ["prompt"] = Ids(3) }).Should().NotBe(Key(new JsonObject { ["prompt"] = Ids(4) }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"input\": \"embeddings have no key\"}")]
    [InlineData("{\"messages\": []}")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"cut off")]
    public void From_BodiesWithoutAConversation_HaveNoKey(string body) => RoutingKey.From(Encoding.UTF8.GetBytes(body)).Should().BeNull();
}

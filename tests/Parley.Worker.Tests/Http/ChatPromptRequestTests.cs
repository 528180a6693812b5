using System.Text.Json.Nodes;
using Parley.Worker.Http;

namespace Parley.Worker.Tests.Http;

// The typed prompt part of a chat request: what the template gets, and which of the client's fields nobody read (the
// ones the endpoint logs as unknown).
public class ChatPromptRequestTests
{
    [Fact]
    public void Read_TypesWhatTheTemplateNeeds_AndLeavesTheRestUnread()
    {
        var reader = RequestReader.Parse("""
            {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}],
             "chat_template_kwargs": {"enable_thinking": false}, "tools": [{"type": "function", "function": {"name": "f"}}],
             "user": "someone", "metadata": {"x": 1}}
            """);

        var request = ChatPromptRequest.Read(reader);

        request.Messages.Select(m => m!["content"]!.GetValue<string>()).Should().Equal("be brief", "a\nb");
        request.AddGenerationPrompt.Should().BeTrue();
        request.ContinueFinalMessage.Should().BeFalse();
        request.TemplateKwargs["enable_thinking"]!.GetValue<bool>().Should().BeFalse();
        request.Tools!.Single()!["function"]!["name"]!.GetValue<string>().Should().Be("f");
        reader.UnreadFields.Should().BeEquivalentTo("user", "metadata");
    }

    [Fact]
    public void Read_EarlierToolCallArguments_BecomeObjectsForTheTemplate()
    {
        var request = ChatPromptRequest.Read(RequestReader.Parse("""
            {"messages": [{"role": "assistant", "content": null, "tool_calls": [
              {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{\"city\": \"Paris\"}"}},
              {"id": "b", "type": "function", "function": {"name": "g", "arguments": "not json"}}]},
             {"role": "tool", "tool_call_id": "a", "content": "sunny"}]}
            """));

        var calls = request.Messages[0]!["tool_calls"]!.AsArray();
        calls[0]!["function"]!["arguments"]!["city"]!.GetValue<string>().Should().Be("Paris");
        calls[1]!["function"]!["arguments"]!.GetValue<string>().Should().Be("not json");
        request.Messages[1]!["tool_call_id"]!.GetValue<string>().Should().Be("a");
    }

    [Fact]
    public void Read_ContinueFinalMessage_TurnsTheGenerationPromptOff()
    {
        var request = ChatPromptRequest.Read(RequestReader.Parse("""{"messages": [{"role": "assistant", "content": "Once"}], "continue_final_message": true}"""));

        (request.AddGenerationPrompt, request.ContinueFinalMessage).Should().Be((false, true));
    }

    [Theory]
    [InlineData("""{"messages": []}""", "messages must be a non-empty list")]
    [InlineData("""{"messages": [{"content": "x"}]}""", "messages[0] must be an object with a string role")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}""", "*'image_url' part; this model accepts text only*")]
    [InlineData("""{"messages": [{"role": "user", "content": "x"}], "continue_final_message": true, "add_generation_prompt": true}""", "continue_final_message and add_generation_prompt cannot both be true*")]
    public void Read_BadPrompt_Is400NamingTheField(string body, string message)
    {
        var read = () => ChatPromptRequest.Read(RequestReader.Parse(body));

        read.Should().Throw<ApiException>().Where(e => e.Status == 400).WithMessage(message.StartsWith('*') ? message : message + "*");
    }
}

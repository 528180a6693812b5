using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace Parley.Worker.Tests.Http.Tools;

// Real clients against tool calls: the OpenAI .NET SDK (non-streaming, streaming, results fed back, structured
// output) and an agent loop through Microsoft.Extensions.AI's function-invoking chat client, on random weights steered
// by constraints.
public sealed class SdkToolTests : IAsyncLifetime
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Weather now in a city",
        BinaryData.FromString("""{"type": "object", "properties": {"city": {"type": "string", "maxLength": 10}}, "required": ["city"]}"""));

    private RunningWorker _worker = null!;
    private ChatClient _chat = null!;

    public async Task InitializeAsync()
    {
        _worker = await ToolWorkers.HermesAsync(options => options with { ApiKey = "secret" });
        _chat = new OpenAIClient(new ApiKeyCredential("secret"), new OpenAIClientOptions { Endpoint = _worker.V1 }).GetChatClient(RunningWorker.ModelName);
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Sdk_RequiredToolCall_ThenTheResultFedBack()
    {
        var options = Options();
        options.ToolChoice = ChatToolChoice.CreateRequiredChoice();
        List<OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("Weather in Oslo?")];

        ChatCompletion first = await _chat.CompleteChatAsync(messages, options);

        first.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        var call = first.ToolCalls.Should().NotBeEmpty().And.Subject.First();
        call.FunctionName.Should().Be("get_weather");
        JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").ValueKind.Should().Be(JsonValueKind.String);

        messages.Add(new AssistantChatMessage(first.ToolCalls));
        messages.Add(new ToolChatMessage(call.Id, "sunny, 21 C"));
        var followUp = Options();
        followUp.ToolChoice = ChatToolChoice.CreateNoneChoice();
        ChatCompletion second = await _chat.CompleteChatAsync(messages, followUp);

        second.FinishReason.Should().BeOneOf(ChatFinishReason.Stop, ChatFinishReason.Length);
        second.ToolCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task Sdk_StreamingNamedCall_AssemblesIntoValidArguments()
    {
        var options = Options();
        options.ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather");
        var (id, name, arguments) = ("", "", new System.Text.StringBuilder());
        ChatFinishReason? finish = null;

        await foreach (var update in _chat.CompleteChatStreamingAsync([new UserChatMessage("Weather?")], options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                part.Index.Should().Be(0);
                id = part.ToolCallId ?? id;
                name = part.FunctionName ?? name;
                arguments.Append(part.FunctionArgumentsUpdate?.ToString());
            }

            finish = update.FinishReason ?? finish;
        }

        (id.Length > 0, name, finish).Should().Be((true, "get_weather", ChatFinishReason.ToolCalls));
        JsonDocument.Parse(arguments.ToString()).RootElement.GetProperty("city").ValueKind.Should().Be(JsonValueKind.String);
    }

    [Fact]
    public async Task Sdk_JsonSchemaResponseFormat_ParsesAsTheSchemaSays()
    {
        var options = Options();
        options.Tools.Clear();
        options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("city", BinaryData.FromString(
            """{"type": "object", "properties": {"name": {"type": "string", "maxLength": 8}, "population": {"type": "integer"}}, "required": ["name", "population"], "additionalProperties": false}"""),
            jsonSchemaIsStrict: true);

        ChatCompletion completion = await _chat.CompleteChatAsync([new UserChatMessage("A city?")], options);

        var city = JsonDocument.Parse(completion.Content[0].Text).RootElement;
        city.GetProperty("name").ValueKind.Should().Be(JsonValueKind.String);
        city.GetProperty("population").TryGetInt64(out _).Should().BeTrue();
    }

    [Fact]
    public async Task AgentLoop_InvokesTheFunction_AndAnswersWithItsResult()
    {
        var invocations = new List<string>();
        var tool = AIFunctionFactory.Create((string city) =>
        {
            invocations.Add(city);
            return "sunny";
        }, "get_weather", "Weather now in a city");
        using var agent = _chat.AsIChatClient().AsBuilder().UseFunctionInvocation().Build();
        var options = new ChatOptions
        {
            Tools = [tool], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 48, Seed = 7,
            RawRepresentationFactory = _ => Options(withTool: false), // the agent adds its own tool
        };

        var response = await agent.GetResponseAsync("Weather in Lima?", options);

        invocations.Should().NotBeEmpty("the model's required call ran the function");
        var contents = response.Messages.SelectMany(message => message.Contents).ToList();
        contents.OfType<FunctionCallContent>().Should().NotBeEmpty();
        contents.OfType<FunctionResultContent>().Select(result => result.Result?.ToString()).Should().Contain("sunny");
        response.Messages[^1].Role.Should().Be(ChatRole.Assistant);
    }

    // Closing biases keep random weights' constrained strings short; tools ride along on every request.
    private static ChatCompletionOptions Options(bool withTool = true)
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 200 };
        if (withTool)
        {
            options.Tools.Add(Weather);
        }

        foreach (var (token, bias) in ToolWorkers.ClosingBias())
        {
            options.LogitBiases[int.Parse(token, System.Globalization.CultureInfo.InvariantCulture)] = bias!.GetValue<int>();
        }

        return options;
    }
}

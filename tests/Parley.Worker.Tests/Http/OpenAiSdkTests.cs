using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Models;

namespace Parley.Worker.Tests.Http;

// The official OpenAI .NET SDK as a real client: if it parses our answers, so do the clients built on it.
public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private RunningWorker _worker = null!;
    private OpenAIClient _client = null!;

    public async Task InitializeAsync()
    {
        _worker = await RunningWorker.StartAsync(options => options with { ApiKey = "secret" });
        _client = new OpenAIClient(new ApiKeyCredential("secret"), new OpenAIClientOptions { Endpoint = _worker.V1 });
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Chat_NonStreaming_ReturnsTheAnswerWithUsage()
    {
        var chat = _client.GetChatClient(RunningWorker.ModelName);

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 });

        completion.Role.Should().Be(ChatMessageRole.Assistant);
        completion.Usage.OutputTokenCount.Should().BeInRange(1, 8);
        completion.Usage.InputTokenCount.Should().BeGreaterThan(5);
        completion.Usage.TotalTokenCount.Should().Be(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount);
        completion.FinishReason.Should().BeOneOf(ChatFinishReason.Stop, ChatFinishReason.Length);
        completion.Model.Should().Be(RunningWorker.ModelName);
    }

    [Fact]
    public async Task Chat_Streaming_DeliversTheSameTextAsNonStreaming()
    {
        var chat = _client.GetChatClient(RunningWorker.ModelName);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 12, Temperature = 0 };
        ChatCompletion whole = await chat.CompleteChatAsync([new UserChatMessage("Tell me something")], options);

        var streamed = new System.Text.StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me something")], options))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        streamed.ToString().Should().Be(whole.Content.Count == 0 ? "" : whole.Content[0].Text);
        updates.Should().BeGreaterThan(2);
        finish.Should().Be(whole.FinishReason);
    }

    [Fact]
    public async Task Models_ListTheServedModel()
    {
        OpenAIModelCollection models = await _client.GetOpenAIModelClient().GetModelsAsync();

        models.Should().ContainSingle().Which.Id.Should().Be(RunningWorker.ModelName);
    }

    [Fact]
    public async Task PromptLongerThanTheContext_IsABadRequestWithVllmsSentence()
    {
        var chat = _client.GetChatClient(RunningWorker.ModelName);

        var act = () => chat.CompleteChatAsync([new UserChatMessage(new string('x', 400))], new ChatCompletionOptions { MaxOutputTokenCount = 10 });

        var error = (await act.Should().ThrowAsync<ClientResultException>()).Which;
        error.Status.Should().Be(400);
        error.Message.Should().Contain("This model's maximum context length is 256 tokens. However, you requested");
    }

    [Fact]
    public async Task WrongApiKey_IsUnauthorized()
    {
        var wrong = new OpenAIClient(new ApiKeyCredential("nope"), new OpenAIClientOptions { Endpoint = _worker.V1 }).GetChatClient(RunningWorker.ModelName);

        var act = () => wrong.CompleteChatAsync([new UserChatMessage("hi")]);

        (await act.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(401);
    }
}

// POST /v1/chat/completions: messages through the chat template into the engine, n choices of it; the answers
// streamed as chat.completion.chunk events (a role chunk per choice first, then content, reasoning_content and
// tool_calls deltas tagged by choice index, each choice's finish reason, usage when asked, [DONE]) or returned whole
// as one chat.completion, whose content is null where a choice is only tool calls.
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Engine.Text.ToolCalls;
using Parley.Worker.Metrics;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>The chat completions API.</summary>
public static class ChatCompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ModelHost host, WorkerOptions options, WorkerMetrics metrics, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = RequestContext.Model(host);
        var body = await RequestContext.BodyAsync(context.Request, model).ConfigureAwait(false);
        var (chat, settings, echo) = ChatCompletionRequest.Read(body, model);
        if (!options.DisableLogRequests)
        {
            RequestContext.LogUnknownFields(body, logger); // the worker's one per-request line, which --disable-log-requests quiets
        }

        var prompt = model.Tokenizer.Encode(ChatPrompt.Render(chat, model));
        var (id, engineBase) = ResponseIds.For(context, "chatcmpl", options.EnableRequestIdHeaders);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var run = new GenerationRun(model, options, metrics);
        var choices = Enumerable.Range(0, settings.N)
            .Select(index => ChoiceId(engineBase, index, settings.N))
            .Select((engineId, index) => new ChoiceRun(engineId, () => run.RunAsync(engineId, prompt, settings.ForChoice(index), context.RequestAborted)))
            .ToList();
        var chunks = ChoiceRuns.Run(choices, afterFirstToken: true, model.Engine.Abort, context.RequestAborted);
        var answer = new Answer(model, settings, id, created, prompt, echo);
        if (settings.Stream)
        {
            await StreamAsync(context, answer, chunks).ConfigureAwait(false);
        }
        else
        {
            var whole = await WholeAsync(answer, chunks).ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(whole, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The engine request id of one choice: the response id itself when there is one choice.</summary>
    internal static string ChoiceId(string id, int index, int count) => count == 1 ? id : $"{id}-{index}";

    // Echo: the final assistant message's text, repeated at the start of each choice (chat echo).
    private sealed record Answer(ServedModel Model, GenerationSettings Settings, string Id, long Created, IReadOnlyList<int> Prompt, string Echo)
    {
        public int PromptTokens => Prompt.Count;
    }

    private static async Task StreamAsync(HttpContext context, Answer answer, IAsyncEnumerable<(int Index, GenerationChunk Chunk)> chunks)
    {
        var cancel = context.RequestAborted;
        var response = context.Response;
        Sse.Start(response);
        var completionTokens = new int[answer.Settings.N];
        for (var index = 0; index < answer.Settings.N; index++)
        {
            var opening = Chunk(answer, index, new JsonObject { ["role"] = "assistant", ["content"] = answer.Echo }, null, null);
            if (answer.Settings.ReturnTokenIds)
            {
                opening["prompt_token_ids"] = ResponseJson.Ids(answer.Prompt);
            }

            await Sse.WriteAsync(response, WithUsage(opening, answer, completionTokens), cancel).ConfigureAwait(false);
        }

        await foreach (var (index, chunk) in chunks.ConfigureAwait(false))
        {
            completionTokens[index] = chunk.CompletionTokens;
            var delta = new JsonObject();
            if (chunk.Reasoning.Length > 0)
            {
                delta["reasoning_content"] = chunk.Reasoning;
            }

            if (chunk.Content.Length > 0 || (chunk.Reasoning.Length == 0 && chunk.ToolCalls.Count == 0))
            {
                delta["content"] = chunk.Content;
            }

            if (chunk.ToolCalls.Count > 0)
            {
                delta["tool_calls"] = ToolCallsJson.Deltas(chunk.ToolCalls);
            }

            var logprobs = answer.Settings.ReturnLogprobs ? ResponseJson.ChatLogprobs(answer.Model, chunk.Tokens, answer.Settings.TokensAsIds) : null;
            var body = Chunk(answer, index, delta, logprobs, chunk);
            if (answer.Settings.ReturnTokenIds)
            {
                body["choices"]![0]!["token_ids"] = ResponseJson.Ids(chunk.Tokens.Select(token => token.Id));
            }

            await Sse.WriteAsync(response, WithUsage(body, answer, completionTokens), cancel).ConfigureAwait(false);
        }

        if (answer.Settings.IncludeUsage)
        {
            var usage = Envelope(answer.Id, answer.Created, answer.Settings.ModelName(answer.Model), "chat.completion.chunk", new JsonArray());
            usage["usage"] = ResponseJson.Usage(answer.PromptTokens, completionTokens.Sum());
            await Sse.WriteAsync(response, usage, cancel).ConfigureAwait(false);
        }

        await Sse.DoneAsync(response, cancel).ConfigureAwait(false);
    }

    // stream_options.continuous_usage_stats: every chunk says how many tokens the answer has so far.
    private static JsonObject WithUsage(JsonObject chunk, Answer answer, int[] completionTokens)
    {
        if (answer.Settings.ContinuousUsage)
        {
            chunk["usage"] = ResponseJson.Usage(answer.PromptTokens, completionTokens.Sum());
        }

        return chunk;
    }

    private static async Task<string> WholeAsync(Answer answer, IAsyncEnumerable<(int Index, GenerationChunk Chunk)> chunks)
    {
        var choices = Enumerable.Range(0, answer.Settings.N).Select(_ => new WholeChoice()).ToArray();
        await foreach (var (index, chunk) in chunks.ConfigureAwait(false))
        {
            choices[index].Add(chunk);
        }

        var body = Envelope(answer.Id, answer.Created, answer.Settings.ModelName(answer.Model), "chat.completion", new JsonArray(choices.Select((choice, index) => (JsonNode)choice.ToJson(answer, index)).ToArray()));
        body["usage"] = ResponseJson.Usage(answer.PromptTokens, choices.Sum(choice => choice.Last?.CompletionTokens ?? 0));
        if (answer.Settings.ReturnPromptLogprobs && choices[0].PromptLogprobs is { } promptLogprobs)
        {
            body["prompt_logprobs"] = ResponseJson.PromptLogprobs(answer.Model, promptLogprobs);
        }

        if (answer.Settings.ReturnTokenIds)
        {
            body["prompt_token_ids"] = ResponseJson.Ids(answer.Prompt);
        }

        return body.ToJsonString();
    }

    /// <summary>One choice's answer, gathered from its chunks.</summary>
    private sealed class WholeChoice
    {
        private readonly StringBuilder _reasoning = new();
        private readonly StringBuilder _content = new();
        private readonly List<GeneratedToken> _tokens = [];
        private readonly List<ToolCallDelta> _calls = [];

        public GenerationChunk? Last { get; private set; }

        public IReadOnlyList<Engine.Core.PromptTokenLogprob>? PromptLogprobs { get; private set; }

        public void Add(GenerationChunk chunk)
        {
            PromptLogprobs ??= chunk.PromptLogprobs;
            _reasoning.Append(chunk.Reasoning);
            _content.Append(chunk.Content);
            _tokens.AddRange(chunk.Tokens);
            _calls.AddRange(chunk.ToolCalls);
            Last = chunk;
        }

        public JsonObject ToJson(Answer answer, int index)
        {
            var text = answer.Echo + _content;
            var choice = new JsonObject
            {
                ["index"] = index,
                ["message"] = new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = _calls.Count > 0 && string.IsNullOrWhiteSpace(text) ? null : text,
                    // vLLM reports no reasoning as null, never as "".
                    ["reasoning_content"] = _reasoning.Length == 0 ? null : _reasoning.ToString(),
                    ["tool_calls"] = ToolCallsJson.Whole(_calls),
                },
                ["logprobs"] = answer.Settings.ReturnLogprobs ? ResponseJson.ChatLogprobs(answer.Model, _tokens, answer.Settings.TokensAsIds) : null,
                ["finish_reason"] = Last?.FinishReason,
                ["stop_reason"] = StopReason(Last?.StopReason),
            };
            if (answer.Settings.ReturnTokenIds)
            {
                choice["token_ids"] = ResponseJson.Ids(_tokens.Select(token => token.Id));
            }

            return choice;
        }
    }

    private static JsonObject Chunk(Answer answer, int index, JsonObject delta, JsonObject? logprobs, GenerationChunk? chunk) =>
        Envelope(answer.Id, answer.Created, answer.Settings.ModelName(answer.Model), "chat.completion.chunk", new JsonArray(new JsonObject
        {
            ["index"] = index,
            ["delta"] = delta,
            ["logprobs"] = logprobs,
            ["finish_reason"] = chunk?.FinishReason,
            ["stop_reason"] = StopReason(chunk?.StopReason),
        }));

    internal static JsonObject Envelope(string id, long created, string modelName, string type, JsonArray choices) => new()
    {
        ["id"] = id,
        ["object"] = type,
        ["created"] = created,
        ["model"] = modelName,
        ["choices"] = choices,
    };

    internal static JsonNode? StopReason(object? reason) => reason switch
    {
        string text => text,
        int id => id,
        _ => null,
    };
}

// POST /v1/chat/completions: messages through the chat template into the engine; the answer streamed as
// chat.completion.chunk events (role first, then content, reasoning_content and tool_calls deltas, the finish reason,
// usage when asked, [DONE]) or returned whole as one chat.completion, whose content is null when the answer is only
// tool calls.
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
        var (chat, settings) = ChatCompletionRequest.Read(body, model);
        if (!options.DisableLogRequests)
        {
            RequestContext.LogUnknownFields(body, logger); // the worker's one per-request line, which --disable-log-requests quiets
        }

        var prompt = model.Tokenizer.Encode(ChatPrompt.Render(chat, model));
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var chunks = new GenerationRun(model, options, metrics).RunAsync(id, prompt, settings, context.RequestAborted);
        if (settings.Stream)
        {
            await StreamAsync(context, model, settings, id, created, prompt.Count, chunks).ConfigureAwait(false);
        }
        else
        {
            var whole = await WholeAsync(model, settings, id, created, prompt.Count, chunks).ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(whole, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task StreamAsync(HttpContext context, ServedModel model, GenerationSettings settings, string id, long created, int promptTokens, IAsyncEnumerable<GenerationChunk> chunks)
    {
        var cancel = context.RequestAborted;
        var response = context.Response;
        Sse.Start(response);
        await Sse.WriteAsync(response, Chunk(id, created, model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null, null), cancel).ConfigureAwait(false);
        var completionTokens = 0;
        await foreach (var chunk in chunks.ConfigureAwait(false))
        {
            completionTokens = chunk.CompletionTokens;
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

            var logprobs = settings.ReturnLogprobs ? ResponseJson.ChatLogprobs(model, chunk.Tokens) : null;
            await Sse.WriteAsync(response, Chunk(id, created, model, delta, logprobs, chunk), cancel).ConfigureAwait(false);
        }

        if (settings.IncludeUsage)
        {
            var usage = Envelope(id, created, model, "chat.completion.chunk", new JsonArray());
            usage["usage"] = ResponseJson.Usage(promptTokens, completionTokens);
            await Sse.WriteAsync(response, usage, cancel).ConfigureAwait(false);
        }

        await Sse.DoneAsync(response, cancel).ConfigureAwait(false);
    }

    private static async Task<string> WholeAsync(ServedModel model, GenerationSettings settings, string id, long created, int promptTokens, IAsyncEnumerable<GenerationChunk> chunks)
    {
        var (reasoning, content) = (new System.Text.StringBuilder(), new System.Text.StringBuilder());
        var tokens = new List<GeneratedToken>();
        var calls = new List<ToolCallDelta>();
        GenerationChunk? last = null;
        await foreach (var chunk in chunks.ConfigureAwait(false))
        {
            reasoning.Append(chunk.Reasoning);
            content.Append(chunk.Content);
            tokens.AddRange(chunk.Tokens);
            calls.AddRange(chunk.ToolCalls);
            last = chunk;
        }

        var text = content.ToString();
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = calls.Count > 0 && string.IsNullOrWhiteSpace(text) ? null : text,
            ["reasoning_content"] = model.Reasoning is null ? null : reasoning.ToString(),
            ["tool_calls"] = ToolCallsJson.Whole(calls),
        };
        var choice = new JsonObject
        {
            ["index"] = 0,
            ["message"] = message,
            ["logprobs"] = settings.ReturnLogprobs ? ResponseJson.ChatLogprobs(model, tokens) : null,
            ["finish_reason"] = last?.FinishReason,
            ["stop_reason"] = StopReason(last?.StopReason),
        };
        var body = Envelope(id, created, model, "chat.completion", new JsonArray(choice));
        body["usage"] = ResponseJson.Usage(promptTokens, last?.CompletionTokens ?? 0);
        return body.ToJsonString();
    }

    private static JsonObject Chunk(string id, long created, ServedModel model, JsonObject delta, JsonObject? logprobs, GenerationChunk? chunk) =>
        Envelope(id, created, model, "chat.completion.chunk", new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = logprobs,
            ["finish_reason"] = chunk?.FinishReason,
            ["stop_reason"] = StopReason(chunk?.StopReason),
        }));

    internal static JsonObject Envelope(string id, long created, ServedModel model, string type, JsonArray choices) => new()
    {
        ["id"] = id,
        ["object"] = type,
        ["created"] = created,
        ["model"] = model.Name,
        ["choices"] = choices,
    };

    internal static JsonNode? StopReason(object? reason) => reason switch
    {
        string text => text,
        int id => id,
        _ => null,
    };
}

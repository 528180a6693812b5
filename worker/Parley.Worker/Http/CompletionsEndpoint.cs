// POST /v1/completions: the request's prompt (CompletionRequest) straight into the engine; the text streamed as
// text_completion chunks or returned whole, with the prompt's text first when echo is set.
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Worker.Metrics;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>The legacy completions API.</summary>
public static class CompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ModelHost host, WorkerOptions options, WorkerMetrics metrics, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = RequestContext.Model(host);
        var body = await RequestContext.BodyAsync(context.Request, model).ConfigureAwait(false);
        var (prompt, echo, settings) = CompletionRequest.Read(body, model);
        if (!options.DisableLogRequests)
        {
            RequestContext.LogUnknownFields(body, logger); // the worker's one per-request line, which --disable-log-requests quiets
        }

        var id = $"cmpl-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var chunks = new GenerationRun(model, options, metrics).RunAsync(id, prompt, settings, context.RequestAborted);
        var prefix = echo ? Engine.Text.IncrementalDetokenizer.DecodeAll(model.Tokenizer.Decoder, prompt.ToArray(), settings.SkipSpecialTokens) : "";
        if (settings.Stream)
        {
            await StreamAsync(context, model, settings, id, created, prompt.Count, prefix, chunks).ConfigureAwait(false);
        }
        else
        {
            var whole = await WholeAsync(model, settings, id, created, prompt.Count, prefix, chunks).ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(whole, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task StreamAsync(HttpContext context, ServedModel model, GenerationSettings settings, string id, long created, int promptTokens, string prefix, IAsyncEnumerable<GenerationChunk> chunks)
    {
        var cancel = context.RequestAborted;
        Sse.Start(context.Response);
        var completionTokens = 0;
        var offset = prefix.Length;
        var first = true;
        await foreach (var chunk in chunks.ConfigureAwait(false))
        {
            completionTokens = chunk.CompletionTokens;
            var text = (first ? prefix : "") + chunk.Reasoning + chunk.Content;
            first = false;
            var logprobs = settings.ReturnLogprobs ? ResponseJson.CompletionLogprobs(model, chunk.Tokens, offset) : null;
            offset += chunk.Reasoning.Length + chunk.Content.Length;
            await Sse.WriteAsync(context.Response, Choice(id, created, model, text, logprobs, chunk), cancel).ConfigureAwait(false);
        }

        if (settings.IncludeUsage)
        {
            var usage = ChatCompletionsEndpoint.Envelope(id, created, model, "text_completion", new JsonArray());
            usage["usage"] = ResponseJson.Usage(promptTokens, completionTokens);
            await Sse.WriteAsync(context.Response, usage, cancel).ConfigureAwait(false);
        }

        await Sse.DoneAsync(context.Response, cancel).ConfigureAwait(false);
    }

    private static async Task<string> WholeAsync(ServedModel model, GenerationSettings settings, string id, long created, int promptTokens, string prefix, IAsyncEnumerable<GenerationChunk> chunks)
    {
        var text = new System.Text.StringBuilder(prefix);
        var tokens = new List<GeneratedToken>();
        GenerationChunk? last = null;
        await foreach (var chunk in chunks.ConfigureAwait(false))
        {
            text.Append(chunk.Reasoning).Append(chunk.Content);
            tokens.AddRange(chunk.Tokens);
            last = chunk;
        }

        var logprobs = settings.ReturnLogprobs ? ResponseJson.CompletionLogprobs(model, tokens, prefix.Length) : null;
        var body = Choice(id, created, model, text.ToString(), logprobs, last);
        body["usage"] = ResponseJson.Usage(promptTokens, last?.CompletionTokens ?? 0);
        return body.ToJsonString();
    }

    private static JsonObject Choice(string id, long created, ServedModel model, string text, JsonObject? logprobs, GenerationChunk? chunk) =>
        ChatCompletionsEndpoint.Envelope(id, created, model, "text_completion", new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["text"] = text,
            ["logprobs"] = logprobs,
            ["finish_reason"] = chunk?.FinishReason,
            ["stop_reason"] = ChatCompletionsEndpoint.StopReason(chunk?.StopReason),
        }));
}

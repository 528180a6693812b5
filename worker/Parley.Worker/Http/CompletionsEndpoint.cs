// POST /v1/completions: the request's prompts (CompletionRequest) straight into the engine, n choices per prompt
// (choice index = prompt index x n + sample index, as vLLM numbers them); the text streamed as text_completion chunks
// tagged by index or returned whole, with each prompt's text first when echo is set.
using System.Text;
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
        var (prompts, echo, settings) = CompletionRequest.Read(body, model);
        if (!options.DisableLogRequests)
        {
            RequestContext.LogUnknownFields(body, logger); // the worker's one per-request line, which --disable-log-requests quiets
        }

        var (id, engineBase) = ResponseIds.For(context, "cmpl", options.EnableRequestIdHeaders);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var run = new GenerationRun(model, options, metrics);
        var count = prompts.Count * settings.N;
        var choices = Enumerable.Range(0, count).Select(index =>
        {
            var engineId = ChatCompletionsEndpoint.ChoiceId(engineBase, index, count);
            return new ChoiceRun(engineId, () => run.RunAsync(engineId, prompts[index / settings.N], settings.ForChoice(index % settings.N), context.RequestAborted));
        }).ToList();
        var chunks = ChoiceRuns.Run(choices, afterFirstToken: prompts.Count == 1, model.Engine.Abort, context.RequestAborted);
        var prefixes = prompts.Select(prompt => echo ? Engine.Text.IncrementalDetokenizer.DecodeAll(model.Tokenizer.Decoder, prompt.ToArray(), settings.SkipSpecialTokens) : "").ToList();
        var answer = new Answer(model, settings, id, created, prompts.Sum(prompt => prompt.Count),
            Enumerable.Range(0, count).Select(index => prefixes[index / settings.N]).ToList(),
            Enumerable.Range(0, count).Select(index => prompts[index / settings.N]).ToList());
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

    // Prefixes: each choice's echoed prompt text ("" without echo); Prompts: each choice's prompt ids.
    private sealed record Answer(ServedModel Model, GenerationSettings Settings, string Id, long Created, int PromptTokens, IReadOnlyList<string> Prefixes,
        IReadOnlyList<IReadOnlyList<int>> Prompts);

    private static async Task StreamAsync(HttpContext context, Answer answer, IAsyncEnumerable<(int Index, GenerationChunk Chunk)> chunks)
    {
        var cancel = context.RequestAborted;
        Sse.Start(context.Response);
        var completionTokens = new int[answer.Prefixes.Count];
        var offsets = answer.Prefixes.Select(ResponseJson.CodePoints).ToArray();
        var started = new bool[answer.Prefixes.Count];
        var first = Enumerable.Repeat(true, answer.Prefixes.Count).ToArray();
        await foreach (var (index, chunk) in chunks.ConfigureAwait(false))
        {
            completionTokens[index] = chunk.CompletionTokens;
            var text = (started[index] ? "" : answer.Prefixes[index]) + chunk.Reasoning + chunk.Content;
            started[index] = true;
            var logprobs = answer.Settings.ReturnLogprobs ? ResponseJson.CompletionLogprobs(answer.Model, chunk.Tokens, offsets[index], answer.Settings.TokensAsIds) : null;
            if (logprobs is not null && first[index] && answer.Prefixes[index].Length > 0 && chunk.PromptLogprobs is { } prompt)
            {
                logprobs = ResponseJson.Concat(ResponseJson.EchoedPrompt(answer.Model, answer.Prompts[index], prompt, answer.Settings.TokensAsIds), logprobs);
            }

            offsets[index] += ResponseJson.CodePoints(chunk.Reasoning + chunk.Content);
            var choice = Choice(index, text, logprobs, chunk);
            if (answer.Settings.ReturnTokenIds)
            {
                choice["prompt_token_ids"] = first[index] ? ResponseJson.Ids(answer.Prompts[index]) : null;
                choice["token_ids"] = ResponseJson.Ids(chunk.Tokens.Select(token => token.Id));
            }

            first[index] = false;
            var body = Envelope(answer, choice);
            if (answer.Settings.ContinuousUsage)
            {
                body["usage"] = ResponseJson.Usage(answer.PromptTokens, completionTokens.Sum());
            }

            await Sse.WriteAsync(context.Response, body, cancel).ConfigureAwait(false);
        }

        if (answer.Settings.IncludeUsage)
        {
            var usage = Envelope(answer);
            usage["usage"] = ResponseJson.Usage(answer.PromptTokens, completionTokens.Sum());
            await Sse.WriteAsync(context.Response, usage, cancel).ConfigureAwait(false);
        }

        await Sse.DoneAsync(context.Response, cancel).ConfigureAwait(false);
    }

    private static async Task<string> WholeAsync(Answer answer, IAsyncEnumerable<(int Index, GenerationChunk Chunk)> chunks)
    {
        var texts = answer.Prefixes.Select(prefix => new StringBuilder(prefix)).ToArray();
        var tokens = answer.Prefixes.Select(_ => new List<GeneratedToken>()).ToArray();
        var last = new GenerationChunk?[answer.Prefixes.Count];
        var promptLogprobs = new IReadOnlyList<Engine.Core.PromptTokenLogprob>?[answer.Prefixes.Count];
        await foreach (var (index, chunk) in chunks.ConfigureAwait(false))
        {
            promptLogprobs[index] ??= chunk.PromptLogprobs;
            texts[index].Append(chunk.Reasoning).Append(chunk.Content);
            tokens[index].AddRange(chunk.Tokens);
            last[index] = chunk;
        }

        var body = Envelope(answer, Enumerable.Range(0, texts.Length).Select(index =>
        {
            var logprobs = answer.Settings.ReturnLogprobs
                ? ResponseJson.CompletionLogprobs(answer.Model, tokens[index], ResponseJson.CodePoints(answer.Prefixes[index]), answer.Settings.TokensAsIds)
                : null;
            if (logprobs is not null && answer.Prefixes[index].Length > 0 && promptLogprobs[index] is { } prompt)
            {
                logprobs = ResponseJson.Concat(ResponseJson.EchoedPrompt(answer.Model, answer.Prompts[index], prompt, answer.Settings.TokensAsIds), logprobs);
            }

            var choice = Choice(index, texts[index].ToString(), logprobs, last[index]);
            if (answer.Settings.ReturnPromptLogprobs && promptLogprobs[index] is { } asked)
            {
                choice["prompt_logprobs"] = ResponseJson.PromptLogprobs(answer.Model, asked);
            }

            if (answer.Settings.ReturnTokenIds)
            {
                choice["prompt_token_ids"] = ResponseJson.Ids(answer.Prompts[index]);
                choice["token_ids"] = ResponseJson.Ids(tokens[index].Select(token => token.Id));
            }

            return choice;
        }).ToArray());
        body["usage"] = ResponseJson.Usage(answer.PromptTokens, last.Sum(chunk => chunk?.CompletionTokens ?? 0));
        return body.ToJsonString();
    }

    private static JsonObject Envelope(Answer answer, params JsonObject[] choices) =>
        ChatCompletionsEndpoint.Envelope(answer.Id, answer.Created, answer.Settings.ModelName(answer.Model), "text_completion", new JsonArray(choices));

    private static JsonObject Choice(int index, string text, JsonObject? logprobs, GenerationChunk? chunk) => new()
    {
        ["index"] = index,
        ["text"] = text,
        ["logprobs"] = logprobs,
        ["finish_reason"] = chunk?.FinishReason,
        ["stop_reason"] = ChatCompletionsEndpoint.StopReason(chunk?.StopReason),
    };
}

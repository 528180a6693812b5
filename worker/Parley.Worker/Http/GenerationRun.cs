// One request's generation, from prompt ids to text chunks: the engine streams token events; the text layer turns
// them into reasoning and answer deltas, the request's tool-call parser (if any) splits calls out of the answer,
// watching for stop strings (a match aborts the engine request at once, so its
// KV blocks are freed); chunks leave every --stream-interval tokens and at the end; vLLM's request metrics are
// recorded on the way. Chat and completions both stream from here and only format differently.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Parley.Engine.Scheduling;
using Parley.Engine.Core;
using Parley.Engine.Text;
using Parley.Engine.Text.ToolCalls;
using Parley.Worker.Metrics;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>One generated token as the API reports it.</summary>
public sealed record GeneratedToken(int Id, float Logprob, IReadOnlyList<Engine.Sampling.TokenLogprob> TopLogprobs);

/// <summary>Text produced since the previous chunk.</summary>
/// <param name="Reasoning">Reasoning text (with a reasoning parser).</param>
/// <param name="Content">Answer text.</param>
/// <param name="Tokens">The tokens behind it.</param>
/// <param name="FinishReason"><c>stop</c>, <c>tool_calls</c> or <c>length</c> on the last chunk.</param>
/// <param name="StopReason">The stop string or stop token id that ended it, if one did.</param>
/// <param name="CompletionTokens">Tokens generated so far.</param>
/// <param name="ToolCalls">Tool-call deltas read from the answer since the previous chunk.</param>
/// <param name="PromptLogprobs">On a request's first chunk, when asked: prompt tokens 1, 2, ... with their logprobs.</param>
public sealed record GenerationChunk(string Reasoning, string Content, IReadOnlyList<GeneratedToken> Tokens, string? FinishReason, object? StopReason, int CompletionTokens,
    IReadOnlyList<ToolCallDelta> ToolCalls, IReadOnlyList<Engine.Core.PromptTokenLogprob>? PromptLogprobs = null);

/// <summary>Runs requests through the engine.</summary>
public sealed class GenerationRun(ServedModel model, WorkerOptions options, WorkerMetrics metrics)
{
    /// <summary>The request's text, chunk by chunk; the last chunk carries the finish reason.</summary>
    /// <exception cref="RequestRejectedException">The prompt can never run (too long, bad ids), the worker holds as
    /// many requests as it admits, or it is shutting down.</exception>
    public IAsyncEnumerable<GenerationChunk> RunAsync(string id, IReadOnlyList<int> prompt, GenerationSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew(); // from arrival, as vLLM times TTFT and e2e: the enumeration may start later
        var stream = model.Engine.Submit(new GenerationRequest(id, prompt, settings.Sampling, settings.Adapter), cancellationToken);
        return ChunksAsync(stream, prompt.Count, settings, clock, cancellationToken);
    }

    private async IAsyncEnumerable<GenerationChunk> ChunksAsync(GenerationStream stream, int promptTokens, GenerationSettings settings, Stopwatch clock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var text = new OutputTextStream(
            new IncrementalDetokenizer(model.Tokenizer.Decoder, settings.SkipSpecialTokens, settings.ToolCalls?.KeptSpecialIds),
            new StopChecker(settings.Stop, settings.IncludeStopStringInOutput),
            model.Reasoning is { } format ? new ReasoningParser(format) : null);
        var toolParser = settings.ToolCalls?.CreateParser();
        var calls = new List<ToolCallDelta>();
        var calledTools = false;
        IReadOnlyList<Engine.Core.PromptTokenLogprob>? promptLogprobs = null;
        var pending = new List<GeneratedToken>();
        string reasoning = "", content = "";
        var generated = 0;
        var lastTokenAt = TimeSpan.Zero;
        var finished = false;
        try
        {
            await foreach (var token in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                generated++;
                RecordLatency(clock.Elapsed, ref lastTokenAt, generated);
                pending.Add(new GeneratedToken(token.TokenId, token.Logprob, token.TopLogprobs));
                promptLogprobs ??= token.PromptLogprobs;
                // A stop token (EOS or a stop_token_ids entry) ends the text without adding its own, as in vLLM.
                var delta = token.FinishReason == FinishReason.Stop && !settings.IncludeStopStringInOutput && IsStopToken(token.TokenId, settings)
                    ? new OutputDelta("", "", null)
                    : text.Append(token.TokenId);
                reasoning += delta.Reasoning ?? "";
                content += Answer(toolParser, delta.Content ?? "", calls);
                string? finish = null;
                object? stopReason = null;
                if (delta.IsStopped)
                {
                    model.Engine.Abort(stream.RequestId);
                    (finish, stopReason) = ("stop", delta.StopString);
                }
                else if (token.FinishReason is { } reason)
                {
                    var tail = text.Finish();
                    reasoning += tail.Reasoning;
                    content += Answer(toolParser, tail.Content, calls);
                    finish = reason == FinishReason.Length ? "length" : "stop";
                    // vLLM's stop_reason: the stop string, a matched stop_token_ids entry, or null for EOS and length.
                    stopReason = tail.StopString ?? (settings.Sampling.StopTokenIds.Contains(token.TokenId) ? token.TokenId : (object?)null);
                }

                if (finish is not null && toolParser is not null)
                {
                    content += Answer(toolParser.Finish(), calls);
                }

                calledTools |= calls.Count > 0;
                if (finish == "stop" && calledTools)
                {
                    finish = "tool_calls";
                }

                if (finish is not null || pending.Count >= options.StreamInterval)
                {
                    yield return new GenerationChunk(reasoning, content, pending.ToArray(), finish, stopReason, generated, calls.ToArray(), promptLogprobs);
                    promptLogprobs = null;
                    pending.Clear();
                    calls.Clear();
                    (reasoning, content) = ("", "");
                }

                if (finish is not null)
                {
                    finished = true;
                    Record(finish, promptTokens, generated, clock.Elapsed);
                    metrics.RecordRequest(model.Name, stream.Timeline, settings.N, stream.MaxTokens);
                    yield break;
                }
            }
        }
        finally
        {
            if (!finished)
            {
                model.Engine.Abort(stream.RequestId);
            }
        }
    }

    private bool IsStopToken(int id, GenerationSettings settings) =>
        settings.Sampling.StopTokenIds.Contains(id) || model.Generation.EosTokenIds.Contains(id);

    // The answer text a delta adds once tool calls are split out of it (into calls).
    private static string Answer(IToolCallParser? parser, string text, List<ToolCallDelta> calls) =>
        parser is null ? text : Answer(parser.Append(text), calls);

    private static string Answer(ToolParse parse, List<ToolCallDelta> calls)
    {
        calls.AddRange(parse.Calls);
        return parse.Content;
    }

    private void RecordLatency(TimeSpan now, ref TimeSpan lastTokenAt, int generated)
    {
        if (generated == 1)
        {
            metrics.TimeToFirstToken.WithLabels(model.Name).Observe(now.TotalSeconds);
        }
        else
        {
            var gap = (now - lastTokenAt).TotalSeconds;
            metrics.InterTokenLatency.WithLabels(model.Name).Observe(gap);
            metrics.TimePerOutputToken.WithLabels(model.Name).Observe(gap);
        }

        lastTokenAt = now;
        metrics.GenerationTokens.WithLabels(model.Name).Inc();
    }

    private void Record(string finish, int promptTokens, int generated, TimeSpan elapsed)
    {
        metrics.PromptTokens.WithLabels(model.Name).Inc(promptTokens);
        metrics.RequestPromptTokens.WithLabels(model.Name).Observe(promptTokens);
        metrics.RequestGenerationTokens.WithLabels(model.Name).Observe(generated);
        metrics.EndToEndLatency.WithLabels(model.Name).Observe(elapsed.TotalSeconds);
        metrics.RequestSuccess.WithLabels(model.Name, finish).Inc();
    }
}

// A request with several choices (n > 1, or a list of prompts) runs each choice as its own engine request and
// interleaves their chunks by choice index as they come. The first choice is submitted at once, so a refusal (too
// long, overloaded) is still the request's own 4xx. With n > 1 every choice has the same prompt: the others start
// once the first has produced a token, when its prompt's full KV blocks are in the prefix cache, so n choices cost one
// prefill. A choice that fails ends the whole answer (in band once streaming); the others are aborted with it.
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Parley.Worker.Http;

/// <summary>One choice to run: its engine request id, and how to start it.</summary>
public sealed record ChoiceRun(string RequestId, Func<IAsyncEnumerable<GenerationChunk>> Start);

/// <summary>Runs a request's choices and merges their chunks.</summary>
public static class ChoiceRuns
{
    /// <summary>Starts the choices and returns their chunks, each with its choice index.</summary>
    /// <param name="choices">The choices, in index order.</param>
    /// <param name="afterFirstToken">Start the other choices once the first has a token (same prompt); otherwise all at once.</param>
    /// <param name="abort">Aborts an engine request by id (choices started before one was refused).</param>
    /// <param name="cancellationToken">Ends every choice (the client left).</param>
    public static IAsyncEnumerable<(int Index, GenerationChunk Chunk)> Run(IReadOnlyList<ChoiceRun> choices, bool afterFirstToken, Action<string> abort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(choices);
        ArgumentNullException.ThrowIfNull(abort);
        var started = new List<IAsyncEnumerable<GenerationChunk>>();
        foreach (var choice in afterFirstToken ? choices.Take(1) : choices)
        {
            try
            {
                started.Add(choice.Start());
            }
            catch
            {
                foreach (var earlier in choices.Take(started.Count))
                    abort(earlier.RequestId);
                throw;
            }
        }

        return started.Count == 1 && choices.Count == 1
            ? Single(started[0], cancellationToken)
            : MergeAsync(choices, started, abort, cancellationToken);
    }

    private static async IAsyncEnumerable<(int, GenerationChunk)> Single(IAsyncEnumerable<GenerationChunk> chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return (0, chunk);
    }

    private static async IAsyncEnumerable<(int, GenerationChunk)> MergeAsync(IReadOnlyList<ChoiceRun> choices, List<IAsyncEnumerable<GenerationChunk>> started, Action<string> abort,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var merged = Channel.CreateUnbounded<(int, GenerationChunk)>(new UnboundedChannelOptions { SingleReader = true });
        var pumps = new List<Task>();
        var remaining = choices.Count;

        void Launch(int index, IAsyncEnumerable<GenerationChunk> chunks, Action? onFirst)
        {
            lock (pumps)
                pumps.Add(Task.Run(() => PumpAsync(index, chunks, onFirst), CancellationToken.None));
        }

        async Task PumpAsync(int index, IAsyncEnumerable<GenerationChunk> chunks, Action? onFirst)
        {
            try
            {
                await foreach (var chunk in chunks.WithCancellation(stop.Token).ConfigureAwait(false))
                {
                    await merged.Writer.WriteAsync((index, chunk), stop.Token).ConfigureAwait(false);
                    onFirst?.Invoke();
                    onFirst = null;
                }

                onFirst?.Invoke();
                if (Interlocked.Decrement(ref remaining) == 0)
                    merged.Writer.TryComplete();
            }
            catch (Exception exception)
            {
                merged.Writer.TryComplete(exception);
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        void StartRest()
        {
            for (var i = 1; i < choices.Count; i++)
            {
                IAsyncEnumerable<GenerationChunk> chunks;
                try
                {
                    chunks = choices[i].Start();
                }
                catch (Exception exception)
                {
                    merged.Writer.TryComplete(exception);
                    stop.Cancel();
                    for (var earlier = 0; earlier < i; earlier++)
                        abort(choices[earlier].RequestId);
                    return;
                }

                Launch(i, chunks, null);
            }
        }

        for (var i = 0; i < started.Count; i++)
            Launch(i, started[i], started.Count < choices.Count && i == 0 ? StartRest : null);

        try
        {
            await foreach (var item in merged.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return item;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            Task[] all;
            lock (pumps)
                all = [.. pumps];
            await Task.WhenAll(all).ConfigureAwait(false);
        }
    }
}

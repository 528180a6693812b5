// The caller's end of one request: an async stream of tokens that ends after the token carrying a finish reason, or
// early (no finish reason) when the request is aborted; an engine failure surfaces as the exception it threw.
// Its timeline says when the engine scheduled it and produced its tokens, for vLLM's per-phase request metrics.
using System.Threading.Channels;
using Parley.Engine.Scheduling;

namespace Parley.Engine.Core;

/// <summary>The tokens of one submitted request, as they are generated.</summary>
public sealed class GenerationStream : IAsyncEnumerable<TokenEvent>
{
    private readonly ChannelReader<TokenEvent> _reader;

    internal GenerationStream(string requestId, int promptTokenCount, int maxTokens, RequestTimeline timeline, ChannelReader<TokenEvent> reader)
    {
        RequestId = requestId;
        PromptTokenCount = promptTokenCount;
        MaxTokens = maxTokens;
        Timeline = timeline;
        _reader = reader;
    }

    public string RequestId { get; }
    public int PromptTokenCount { get; }

    /// <summary>The effective max_tokens: the request's, or what is left of the context when it set none.</summary>
    public int MaxTokens { get; }

    /// <summary>When the request arrived, was first scheduled and produced its first and latest tokens; complete for
    /// every token read so far, since the engine stamps a token before it sends it.</summary>
    public RequestTimeline Timeline { get; }

    public IAsyncEnumerator<TokenEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
}

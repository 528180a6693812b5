// The caller's end of one request: an async stream of tokens that ends after the token carrying a finish reason, or
// early (no finish reason) when the request is aborted; an engine failure surfaces as the exception it threw.
using System.Threading.Channels;

namespace Parley.Engine.Core;

/// <summary>The tokens of one submitted request, as they are generated.</summary>
public sealed class GenerationStream : IAsyncEnumerable<TokenEvent>
{
    private readonly ChannelReader<TokenEvent> _reader;

    internal GenerationStream(string requestId, int promptTokenCount, ChannelReader<TokenEvent> reader)
    {
        RequestId = requestId;
        PromptTokenCount = promptTokenCount;
        _reader = reader;
    }

    public string RequestId { get; }
    public int PromptTokenCount { get; }

    public IAsyncEnumerator<TokenEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
}

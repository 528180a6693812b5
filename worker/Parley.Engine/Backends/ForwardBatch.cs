// One step's work in the flat form backends want: every new token of every sequence laid end to end, with its position
// and the sequence it belongs to. Built from the scheduler's plan; the scheduler's Request never reaches a backend.
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends;

/// <summary>One sequence's share of a batch: <paramref name="TokenCount"/> tokens from flat index <paramref name="TokenOffset"/>.</summary>
/// <param name="TokenOffset">Index of its first token in <see cref="ForwardBatch.TokenIds"/>.</param>
/// <param name="TokenCount">How many new tokens it has this step.</param>
/// <param name="StartPosition">The position of its first new token; earlier positions are already in the KV cache.</param>
/// <param name="BlockTable">Its KV block ids in token order; covers every position up to the last new token.</param>
/// <param name="ReturnsLogits">Whether the logits of its last new token are wanted (a next token is sampled).</param>
/// <param name="AdapterSlot">The backend's LoRA slot whose adapter applies to it (<see cref="IBackend.SetLoraAdapter"/>);
/// -1 for the base model alone.</param>
public sealed record BatchSequence(int TokenOffset, int TokenCount, int StartPosition, IReadOnlyList<int> BlockTable, bool ReturnsLogits, int AdapterSlot = -1)
{
    /// <summary>Tokens in the KV cache once this step is done.</summary>
    public int ContextLength => StartPosition + TokenCount;
}

/// <summary>A batch of sequences for one forward pass.</summary>
public sealed class ForwardBatch
{
    private readonly int[] _tokenIds;
    private readonly int[] _positions;
    private readonly int[] _sequenceOfToken;

    public ForwardBatch(IReadOnlyList<BatchSequence> sequences, int[] tokenIds)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(tokenIds);
        Sequences = sequences;
        _tokenIds = tokenIds;
        _positions = new int[tokenIds.Length];
        _sequenceOfToken = new int[tokenIds.Length];
        var offset = 0;
        for (var s = 0; s < sequences.Count; s++)
        {
            var sequence = sequences[s];
            if (sequence.TokenOffset != offset || sequence.TokenCount < 1)
            {
                throw new ArgumentException($"Sequence {s} must start at token {offset} with at least one token.", nameof(sequences));
            }

            if (sequence.BlockTable.Count * BlockPool.BlockSize < sequence.ContextLength)
            {
                throw new ArgumentException($"Sequence {s} reaches position {sequence.ContextLength - 1} but its {sequence.BlockTable.Count} blocks hold {sequence.BlockTable.Count * BlockPool.BlockSize} tokens.", nameof(sequences));
            }

            for (var i = 0; i < sequence.TokenCount; i++)
            {
                _positions[offset + i] = sequence.StartPosition + i;
                _sequenceOfToken[offset + i] = s;
            }

            offset += sequence.TokenCount;
            LogitsCount += sequence.ReturnsLogits ? 1 : 0;
        }

        if (offset != tokenIds.Length)
        {
            throw new ArgumentException($"The sequences cover {offset} tokens but {tokenIds.Length} were given.", nameof(tokenIds));
        }
    }

    public IReadOnlyList<BatchSequence> Sequences { get; }

    /// <summary>Every new token, sequence after sequence.</summary>
    public ReadOnlySpan<int> TokenIds => _tokenIds;

    /// <summary>The position of each token in its sequence.</summary>
    public ReadOnlySpan<int> Positions => _positions;

    /// <summary>The index in <see cref="Sequences"/> of each token's sequence.</summary>
    public ReadOnlySpan<int> SequenceOfToken => _sequenceOfToken;

    public int TokenCount => _tokenIds.Length;

    /// <summary>How many sequences return logits.</summary>
    public int LogitsCount { get; }

    /// <summary>The batch for a scheduler step, in the step's order.</summary>
    /// <param name="output">The step.</param>
    /// <param name="adapterSlot">The backend slot of each LoRA adapter id the step holds; not called for the base model.</param>
    public static ForwardBatch From(SchedulerOutput output, Func<int, int>? adapterSlot = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var tokens = new int[output.TotalTokenCount];
        var sequences = new List<BatchSequence>(output.Scheduled.Count);
        var offset = 0;
        foreach (var request in output.Scheduled)
        {
            for (var i = 0; i < request.TokenCount; i++)
            {
                tokens[offset + i] = request.TokenIds[i];
            }

            var slot = request.AdapterId == 0 ? -1 : adapterSlot?.Invoke(request.AdapterId)
                ?? throw new ArgumentException($"Request {request.RequestId} runs LoRA adapter {request.AdapterId} but no slot was given for it.", nameof(adapterSlot));
            sequences.Add(new BatchSequence(offset, request.TokenCount, request.StartPosition, request.BlockTable, request.IsSampled, slot));
            offset += request.TokenCount;
        }

        return new ForwardBatch(sequences, tokens);
    }
}

// The token statistics the penalties need, kept up to date as a request grows: the distinct prompt tokens (repetition
// penalty) and how often each token occurs in the output (presence and frequency penalties). Each call counts only
// the tokens appended since the last one, so a step costs O(new tokens), and the collections only grow, so a step
// allocates nothing once they have reached the request's number of distinct tokens.
using System.Runtime.InteropServices;

namespace Parley.Engine.Sampling;

/// <summary>Distinct prompt tokens and output token counts of one request, updated incrementally.</summary>
public sealed class TokenCounts
{
    private readonly HashSet<int> _promptTokens = [];
    private readonly Dictionary<int, int> _outputCounts = [];
    private int _countedPromptLength;
    private int _countedOutputLength;

    /// <summary>Distinct token ids of the prompt.</summary>
    public IReadOnlySet<int> PromptTokens => _promptTokens;

    /// <summary>Each output token id with the number of times it occurs.</summary>
    public IReadOnlyDictionary<int, int> OutputCounts => _outputCounts;

    internal HashSet<int> PromptTokenSet => _promptTokens;

    internal Dictionary<int, int> OutputCountMap => _outputCounts;

    /// <summary>Counts the tokens added since the last call.</summary>
    /// <remarks>
    /// Both sequences are expected to only grow between calls; one that got shorter (a preempted request that starts
    /// over) is counted again from the start.
    /// </remarks>
    public void Update(ReadOnlySpan<int> promptTokens, ReadOnlySpan<int> outputTokens)
    {
        if (promptTokens.Length < _countedPromptLength)
        {
            _promptTokens.Clear();
            _countedPromptLength = 0;
        }

        foreach (var token in promptTokens[_countedPromptLength..])
            _promptTokens.Add(token);
        _countedPromptLength = promptTokens.Length;

        if (outputTokens.Length < _countedOutputLength)
        {
            _outputCounts.Clear();
            _countedOutputLength = 0;
        }

        foreach (var token in outputTokens[_countedOutputLength..])
            CollectionsMarshal.GetValueRefOrAddDefault(_outputCounts, token, out _)++;
        _countedOutputLength = outputTokens.Length;
    }
}

// What a constraint needs to know about a served model's tokens: their bytes (as a trie), which ids may never appear in
// constrained output (special tokens, tokens with no bytes, ids past the tokenizer in a padded logits row), and which
// ids end the output (EOS). The trie depends only on the tokenizer, so it is built once per TokenDecoder and shared.
using System.Runtime.CompilerServices;
using Parley.Engine.Text;

namespace Parley.Engine.Constraints;

/// <summary>A model's tokens as constrained decoding sees them.</summary>
public sealed class TokenVocabulary
{
    private static readonly ConditionalWeakTable<TokenDecoder, TokenTrie> Tries = [];

    private readonly TokenDecoder _decoder;

    /// <param name="decoder">The tokenizer's token bytes.</param>
    /// <param name="eosTokenIds">Ids that end generation; allowed exactly where the output is complete.</param>
    /// <param name="logitsSize">The model's logits row length; ids at or past the tokenizer's size are never allowed.</param>
    /// <exception cref="ArgumentException">An EOS id is outside the logits row, or the row is empty.</exception>
    public TokenVocabulary(TokenDecoder decoder, IEnumerable<int> eosTokenIds, int logitsSize)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(eosTokenIds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(logitsSize);
        EosTokenIds = [.. eosTokenIds.Distinct().Order()];
        if (EosTokenIds.Any(id => (uint)id >= (uint)logitsSize))
        {
            throw new ArgumentException($"EOS ids {string.Join(", ", EosTokenIds)} must lie inside the logits row of {logitsSize}.", nameof(eosTokenIds));
        }

        _decoder = decoder;
        LogitsSize = logitsSize;
        Trie = Tries.GetValue(decoder, BuildTrie);
    }

    public int LogitsSize { get; }

    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>SentencePiece-style: the detokenizer drops the output's first space, so one may lead.</summary>
    public bool StripsLeadingSpace => _decoder.StripsLeadingSpace;

    internal TokenTrie Trie { get; }

    public ReadOnlySpan<byte> Bytes(int id) => _decoder.Bytes(id);

    public bool IsEos(int id) => EosTokenIds.Contains(id);

    /// <summary>The token may appear inside constrained output (its bytes are text the constraint can check).</summary>
    public bool IsText(int id) => (uint)id < (uint)LogitsSize && IsTextToken(_decoder, id);

    private static bool IsTextToken(TokenDecoder decoder, int id) => !decoder.IsSpecial(id) && !decoder.Bytes(id).IsEmpty;

    private static TokenTrie BuildTrie(TokenDecoder decoder)
    {
        var ids = Enumerable.Range(0, decoder.VocabularySize).Where(id => IsTextToken(decoder, id)).ToList();
        return TokenTrie.Build(ids, id => decoder.Bytes(id).ToArray());
    }
}

// Text -> token ids for byte-level BPE tokenizer.json files (Llama 3, Qwen2/2.5/3, DeepSeek). Added tokens (special or
// not) are matched first, longest first, as Hugging Face does; the text between them is normalized, split into pieces
// by SplitPreTokenizer, and each piece is merged by Microsoft.ML.Tokenizers' BpeTokenizer. This gives the same ids as
// transformers.js on the test corpus (RealTokenizerEncodeTests) and as Hugging Face's Rust tokenizers on 1 MB of text
// (the engine benchmark). A lone surrogate takes part in pre-tokenization as what it is (category Cs) and becomes
// U+FFFD only inside its piece, as in transformers.js. A long piece (one word of thousands of letters, which anyone
// may send) is merged by BpeMerger instead, in O(n log n): the library's merge loop is quadratic in the piece.
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace Parley.Engine.Text;

/// <summary>A Hugging Face tokenizer: encoding, and the decoder for streaming.</summary>
public sealed class Tokenizer
{
    /// <summary>Pieces longer than this (in chars) go to <see cref="BpeMerger"/>; shorter ones to the library, whose
    /// cache makes repeated words cheap. Real words are far shorter; 128 keeps the library's path for all of them.</summary>
    public const int LongPieceLength = 128;

    private readonly BpeTokenizer _bpe;
    private readonly Lazy<BpeMerger> _longPieces;
    private readonly SplitPreTokenizer _preTokenizer;
    // Added tokens by first character, longest first: matching costs one lookup per character of text.
    private readonly Dictionary<char, (string Content, int Id)[]> _addedTokens;
    private readonly Normalizer? _normalizer;

    private Tokenizer(BpeTokenizer bpe, Lazy<BpeMerger> longPieces, SplitPreTokenizer preTokenizer, IEnumerable<(string Content, int Id)> addedTokens, Normalizer? normalizer, TokenDecoder decoder)
    {
        _bpe = bpe;
        _longPieces = longPieces;
        _preTokenizer = preTokenizer;
        _addedTokens = addedTokens.Where(token => token.Content.Length > 0)
            .GroupBy(token => token.Content[0])
            .ToDictionary(group => group.Key, group => group.OrderByDescending(token => token.Content.Length).ToArray());
        _normalizer = normalizer;
        Decoder = decoder;
    }

    public TokenDecoder Decoder { get; }

    /// <summary>Builds a tokenizer from the contents of a tokenizer.json.</summary>
    /// <exception cref="NotSupportedException">The model, normalizer or pre-tokenizer is of a kind Parley does not implement.</exception>
    public static Tokenizer FromTokenizerJson(JsonNode json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var model = json["model"]!;
        if (model["type"]?.GetValue<string>() != "BPE" || model["byte_fallback"]?.GetValue<bool>() == true)
        {
            throw new NotSupportedException("Only byte-level BPE tokenizers are supported for encoding (Llama 3, Qwen, DeepSeek).");
        }

        var vocabulary = model["vocab"]!.AsObject().ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<int>(), StringComparer.Ordinal);
        var merges = model["merges"]!.AsArray().Select(merge => merge is JsonArray pair ? $"{pair[0]} {pair[1]}" : merge!.GetValue<string>()).ToList();
        var bpe = BpeTokenizer.Create(new BpeOptions(vocabulary) { Merges = merges, ByteLevel = true });
        var longPieces = new Lazy<BpeMerger>(() => new BpeMerger(vocabulary, merges));
        var added = (json["added_tokens"]?.AsArray() ?? [])
            .Select(token => (Content: token!["content"]!.GetValue<string>(), Id: token["id"]!.GetValue<int>()));
        return new Tokenizer(bpe, longPieces, SplitPreTokenizer.FromTokenizerJson(json["pre_tokenizer"]), added, NormalizerOf(json["normalizer"]),
            TokenDecoder.FromTokenizerJson(json));
    }

    /// <summary>The ids of <paramref name="text"/>; added tokens written in the text become their ids. A lone
    /// surrogate is encoded as U+FFFD, as a UTF-8 encoder (and so Hugging Face's tokenizers) would.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var start = 0;
        for (var i = 0; i < text.Length;)
        {
            var added = _addedTokens.TryGetValue(text[i], out var candidates)
                ? Array.Find(candidates, token => string.CompareOrdinal(text, i, token.Content, 0, token.Content.Length) == 0)
                : default;
            if (added.Content is null)
            {
                i++;
                continue;
            }

            EncodePlain(text[start..i], ids);
            ids.Add(added.Id);
            i += added.Content.Length;
            start = i;
        }

        EncodePlain(text[start..], ids);
        return ids;
    }

    private void EncodePlain(string text, List<int> ids)
    {
        if (text.Length == 0)
        {
            return;
        }

        var normalized = _normalizer?.Normalize(text) ?? text;
        foreach (var (offset, length) in _preTokenizer.PreTokenize(normalized))
        {
            var piece = WithoutLoneSurrogates(normalized.Substring(offset, length));
            if (piece.Length > LongPieceLength)
            {
                _longPieces.Value.Encode(System.Text.Encoding.UTF8.GetBytes(piece), ids);
            }
            else
            {
                ids.AddRange(_bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
            }
        }
    }

    private static string WithoutLoneSurrogates(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static NfcNormalizer? NormalizerOf(JsonNode? normalizer) => normalizer?["type"]?.GetValue<string>() switch
    {
        null => null,
        "NFC" => new NfcNormalizer(),
        "Sequence" when normalizer["normalizers"]!.AsArray().Count == 0 => null,
        var other => throw new NotSupportedException($"Normalizer '{other}' is not supported; supported: none, NFC."),
    };
}

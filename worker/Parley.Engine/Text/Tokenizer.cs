// Text -> token ids for byte-level BPE tokenizer.json files (Llama 3, Qwen2/2.5/3, DeepSeek). Added tokens (special or
// not) are matched first, longest first, as Hugging Face does; the text between them is normalized, pre-tokenized by
// SplitPreTokenizer and merged by Microsoft.ML.Tokenizers' BpeTokenizer, which gave the same ids as transformers.js
// on the test corpus (see RealTokenizerEncodeTests).
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace Parley.Engine.Text;

/// <summary>A Hugging Face tokenizer: encoding, and the decoder for streaming.</summary>
public sealed class Tokenizer
{
    private readonly BpeTokenizer _bpe;
    // Added tokens by first character, longest first: matching costs one lookup per character of text.
    private readonly Dictionary<char, (string Content, int Id)[]> _addedTokens;
    private readonly Normalizer? _normalizer;

    private Tokenizer(BpeTokenizer bpe, IEnumerable<(string Content, int Id)> addedTokens, Normalizer? normalizer, TokenDecoder decoder)
    {
        _bpe = bpe;
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

        var vocabulary = model["vocab"]!.AsObject().Select(pair => new KeyValuePair<string, int>(pair.Key, pair.Value!.GetValue<int>()));
        var merges = model["merges"]!.AsArray().Select(merge => merge is JsonArray pair ? $"{pair[0]} {pair[1]}" : merge!.GetValue<string>());
        var bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            PreTokenizer = SplitPreTokenizer.FromTokenizerJson(json["pre_tokenizer"]),
            ByteLevel = true,
        });
        var added = (json["added_tokens"]?.AsArray() ?? [])
            .Select(token => (Content: token!["content"]!.GetValue<string>(), Id: token["id"]!.GetValue<int>()));
        return new Tokenizer(bpe, added, NormalizerOf(json["normalizer"]), TokenDecoder.FromTokenizerJson(json));
    }

    /// <summary>The ids of <paramref name="text"/>; added tokens written in the text become their ids.</summary>
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
        if (text.Length > 0)
        {
            ids.AddRange(_bpe.EncodeToIds(_normalizer?.Normalize(text) ?? text, considerPreTokenization: true, considerNormalization: false));
        }
    }

    private static NfcNormalizer? NormalizerOf(JsonNode? normalizer) => normalizer?["type"]?.GetValue<string>() switch
    {
        null => null,
        "NFC" => new NfcNormalizer(),
        "Sequence" when normalizer["normalizers"]!.AsArray().Count == 0 => null,
        var other => throw new NotSupportedException($"Normalizer '{other}' is not supported; supported: none, NFC."),
    };
}

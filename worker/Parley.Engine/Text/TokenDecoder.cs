// Token id -> the bytes it stands for, read from a Hugging Face tokenizer.json. Two decoder families are supported:
// byte-level BPE (Llama 3, Qwen, DeepSeek: token characters map to bytes through ByteLevelAlphabet) and SentencePiece-
// style BPE with byte fallback (Llama 2, Mistral: "▁" is a space, "<0x0A>" is a raw byte, one leading space stripped).
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Engine.Text;

/// <summary>The bytes of every token, and which tokens are special.</summary>
public sealed class TokenDecoder
{
    private readonly byte[][] _bytes;
    private readonly bool[] _isSpecial;

    private TokenDecoder(byte[][] bytes, bool[] isSpecial, bool stripsLeadingSpace)
    {
        _bytes = bytes;
        _isSpecial = isSpecial;
        StripsLeadingSpace = stripsLeadingSpace;
    }

    public int VocabularySize => _bytes.Length;

    /// <summary>SentencePiece-style vocabularies mark word starts with a space; the text's first one is dropped.</summary>
    public bool StripsLeadingSpace { get; }

    /// <summary>The bytes of one token; an id outside the vocabulary decodes to nothing.</summary>
    public ReadOnlySpan<byte> Bytes(int id) => (uint)id < (uint)_bytes.Length ? _bytes[id] : [];

    public bool IsSpecial(int id) => (uint)id < (uint)_isSpecial.Length && _isSpecial[id];

    /// <summary>Reads <c>model.vocab</c>, <c>added_tokens</c> and the decoder of a tokenizer.json.</summary>
    /// <exception cref="NotSupportedException">The model is not BPE.</exception>
    public static TokenDecoder FromTokenizerJson(JsonNode tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var model = tokenizer["model"] ?? throw new FormatException("tokenizer.json has no model.");
        var type = model["type"]?.GetValue<string>();
        if (type != "BPE")
        {
            throw new NotSupportedException($"tokenizer.json model type '{type}' is not supported; supported: BPE (byte-level or with byte fallback).");
        }

        var byteLevel = IsByteLevel(tokenizer);
        var entries = model["vocab"]!.AsObject().Select(pair => (Id: pair.Value!.GetValue<int>(), Bytes: byteLevel ? ByteLevelBytes(pair.Key) : PieceBytes(pair.Key), Special: false)).ToList();
        foreach (var added in tokenizer["added_tokens"]?.AsArray() ?? [])
        {
            entries.Add((added!["id"]!.GetValue<int>(), Encoding.UTF8.GetBytes(added["content"]!.GetValue<string>()), added["special"]?.GetValue<bool>() ?? false));
        }

        var size = entries.Max(entry => entry.Id) + 1;
        var bytes = new byte[size][];
        var isSpecial = new bool[size];
        foreach (var (id, value, special) in entries)
        {
            bytes[id] = value;
            isSpecial[id] |= special;
        }

        for (var id = 0; id < size; id++)
        {
            bytes[id] ??= [];
        }

        return new TokenDecoder(bytes, isSpecial, stripsLeadingSpace: !byteLevel);
    }

    private static bool IsByteLevel(JsonNode tokenizer) =>
        tokenizer["decoder"]?["type"]?.GetValue<string>() == "ByteLevel"
        || tokenizer["pre_tokenizer"]?.ToJsonString().Contains("\"ByteLevel\"", StringComparison.Ordinal) == true;

    private static byte[] ByteLevelBytes(string token)
    {
        var result = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            if (!ByteLevelAlphabet.TryGetByte(token[i], out result[i]))
            {
                // Not in the alphabet (an unusual merge): keep the character's own UTF-8.
                return Encoding.UTF8.GetBytes(token);
            }
        }

        return result;
    }

    private static byte[] PieceBytes(string piece)
    {
        if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var raw))
        {
            return [raw];
        }

        return Encoding.UTF8.GetBytes(piece.Replace('\u2581', ' '));
    }
}

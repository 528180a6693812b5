// tokenizer.json's pre-tokenizer: a sequence of regex Splits with behaviour "Isolated" — every match becomes its own
// piece and so does every stretch between matches — applied one after the other to every piece. Llama 3 and Qwen use
// one such Split; DeepSeek-V3 uses three (digits, CJK runs, then the GPT-style pattern).
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Parley.Engine.Text;

/// <summary>Splits text into the pieces byte-level BPE merges within.</summary>
public sealed class SplitPreTokenizer : PreTokenizer
{
    private readonly Regex[] _splits;

    public SplitPreTokenizer(IEnumerable<Regex> splits) => _splits = splits.ToArray();

    /// <summary>Reads the Split rules of a tokenizer.json <c>pre_tokenizer</c> (a Sequence or a single Split).</summary>
    /// <exception cref="NotSupportedException">A rule is not an isolated regex Split or a ByteLevel step without its own regex.</exception>
    public static SplitPreTokenizer FromTokenizerJson(JsonNode? preTokenizer)
    {
        var steps = preTokenizer?["type"]?.GetValue<string>() == "Sequence" ? preTokenizer["pretokenizers"]!.AsArray().ToList() : [preTokenizer];
        var splits = new List<Regex>();
        foreach (var step in steps.OfType<JsonNode>())
        {
            var pattern = IsolatedSplitPattern(step);
            switch (step["type"]?.GetValue<string>())
            {
                case "Split" when pattern is not null:
                    splits.Add(new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant));
                    break;
                case "ByteLevel" when step["use_regex"]?.GetValue<bool>() != true:
                    break;
                default:
                    throw new NotSupportedException($"Pre-tokenizer step {step.ToJsonString()} is not supported; supported: isolated regex Split and ByteLevel without use_regex.");
            }
        }

        return new SplitPreTokenizer(splits);
    }

    private static string? IsolatedSplitPattern(JsonNode step)
    {
        var isolated = step["behavior"]?.GetValue<string>() == "Isolated" && step["invert"]?.GetValue<bool>() != true;
        return isolated ? step["pattern"]?["Regex"]?.GetValue<string>() : null;
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        text is null ? [] : Pieces(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Pieces(text.ToString());

    private List<(int Offset, int Length)> Pieces(string original)
    {
        var text = AstralCategories.Substitute(original);
        var pieces = new List<(int Offset, int Length)> { (0, text.Length) };
        foreach (var split in _splits)
        {
            var next = new List<(int Offset, int Length)>(pieces.Count * 2);
            foreach (var (offset, length) in pieces)
            {
                var position = offset;
                foreach (var match in split.EnumerateMatches(text.AsSpan(offset, length)))
                {
                    if (match.Length == 0)
                    {
                        continue;
                    }

                    var start = offset + match.Index;
                    if (start > position)
                    {
                        next.Add((position, start - position));
                    }

                    next.Add((start, match.Length));
                    position = start + match.Length;
                }

                if (position < offset + length)
                {
                    next.Add((position, offset + length - position));
                }
            }

            pieces = next;
        }

        return pieces.Where(piece => piece.Length > 0).ToList();
    }
}

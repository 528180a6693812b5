// Unicode NFC normalization, which Qwen's tokenizer.json asks for before pre-tokenization.
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Parley.Engine.Text;

/// <summary>Normalizes text to NFC.</summary>
public sealed class NfcNormalizer : Normalizer
{
    public override string Normalize(string original) => original?.Normalize(NormalizationForm.FormC) ?? "";

    public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(NormalizationForm.FormC);
}

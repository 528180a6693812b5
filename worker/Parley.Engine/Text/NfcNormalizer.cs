// Unicode NFC normalization, which Qwen's tokenizer.json asks for before pre-tokenization.
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Parley.Engine.Text;

/// <summary>Normalizes text to NFC; lone surrogates, which .NET refuses to normalize, are kept as they are.</summary>
public sealed class NfcNormalizer : Normalizer
{
    public override string Normalize(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        var result = new StringBuilder(original.Length);
        var start = 0;
        for (var i = 0; i < original.Length; i++)
        {
            var isPair = char.IsHighSurrogate(original[i]) && i + 1 < original.Length && char.IsLowSurrogate(original[i + 1]);
            if (isPair)
            {
                i++;
            }
            else if (char.IsSurrogate(original[i]))
            {
                result.Append(original.AsSpan(start, i - start).ToString().Normalize(NormalizationForm.FormC)).Append(original[i]);
                start = i + 1;
            }
        }

        return start == 0 ? original.Normalize(NormalizationForm.FormC) : result.Append(original[start..].Normalize(NormalizationForm.FormC)).ToString();
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}

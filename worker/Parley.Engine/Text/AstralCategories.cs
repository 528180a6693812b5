// .NET regular expressions see UTF-16 code units, so \p{S} never matches an emoji (a surrogate pair) while Hugging
// Face's regex engine sees code points. Pre-tokenizer regexes therefore run on a copy of the text in which each
// astral character's two code units are replaced by a BMP character of the same general category (and a non-ASCII
// one, so literal ranges like [A-Za-z] or CJK ranges do not capture it); match offsets stay valid for the real text.
using System.Globalization;

namespace Parley.Engine.Text;

/// <summary>Makes regex character classes see astral characters by their Unicode category.</summary>
public static class AstralCategories
{
    /// <summary>The text with every surrogate pair replaced by two copies of a same-category BMP stand-in; the text
    /// itself when it has no surrogates.</summary>
    public static string Substitute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return text;
        }

        return string.Create(text.Length, text, static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                if (char.IsHighSurrogate(source[i]) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
                {
                    var standIn = StandIn(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(source[i], source[i + 1])));
                    destination[i] = standIn;
                    destination[++i] = standIn;
                }
                else
                {
                    destination[i] = source[i];
                }
            }
        });
    }

    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => 'À',
        UnicodeCategory.LowercaseLetter => 'ß',
        UnicodeCategory.TitlecaseLetter => 'ǅ',
        UnicodeCategory.ModifierLetter => 'ʰ',
        UnicodeCategory.OtherLetter => 'ª',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => 'Ⅰ',
        UnicodeCategory.OtherNumber => '²',
        UnicodeCategory.ConnectorPunctuation => '‿',
        UnicodeCategory.DashPunctuation => '‐',
        UnicodeCategory.OpenPunctuation => '⁅',
        UnicodeCategory.ClosePunctuation => '⁆',
        UnicodeCategory.InitialQuotePunctuation => '«',
        UnicodeCategory.FinalQuotePunctuation => '»',
        UnicodeCategory.OtherPunctuation => '¡',
        UnicodeCategory.MathSymbol => '¬',
        UnicodeCategory.CurrencySymbol => '¢',
        UnicodeCategory.ModifierSymbol => '¨',
        UnicodeCategory.OtherSymbol => '©',
        UnicodeCategory.Format => '\u00AD',
        _ => '\uE000',
    };
}

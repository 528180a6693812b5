// Python's time.strftime for the directives chat templates use (e.g. Llama 3.x's "%d %b %Y"), in the C locale.
using System.Globalization;
using System.Text;

namespace Parley.Engine.Text.Jinja;

internal static class Strftime
{
    public static string Format(DateTime time, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                builder.Append(format[i]);
                continue;
            }

            var noPad = format[i + 1] == '-' && i + 2 < format.Length;
            var directive = format[noPad ? i + 2 : i + 1];
            i += noPad ? 2 : 1;
            var text = directive switch
            {
                'd' => time.ToString("dd", c),
                'm' => time.ToString("MM", c),
                'Y' => time.ToString("yyyy", c),
                'y' => time.ToString("yy", c),
                'H' => time.ToString("HH", c),
                'I' => time.ToString("hh", c),
                'M' => time.ToString("mm", c),
                'S' => time.ToString("ss", c),
                'p' => time.ToString("tt", c),
                'b' or 'h' => time.ToString("MMM", c),
                'B' => time.ToString("MMMM", c),
                'a' => time.ToString("ddd", c),
                'A' => time.ToString("dddd", c),
                'j' => time.DayOfYear.ToString("000", c),
                'w' => ((int)time.DayOfWeek).ToString(c),
                'e' => time.Day.ToString(c).PadLeft(2),
                'F' => time.ToString("yyyy-MM-dd", c),
                'T' => time.ToString("HH:mm:ss", c),
                '%' => "%",
                _ => "%" + directive,
            };
            builder.Append(noPad && text.Length > 1 && text[0] == '0' ? text[1..] : text);
        }

        return builder.ToString();
    }
}

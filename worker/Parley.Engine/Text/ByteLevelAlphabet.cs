// GPT-2's byte-level alphabet: each of the 256 byte values is written as one printable Unicode character in
// byte-level BPE vocabularies (Llama 3, Qwen2/2.5/3, DeepSeek), so that "Ġ" in a token means the byte 0x20.
namespace Parley.Engine.Text;

/// <summary>The byte &lt;-&gt; character table of byte-level BPE (GPT-2's <c>bytes_to_unicode</c>).</summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, (byte)b)).ToDictionary(p => p.c, p => p.Item2);

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => ByteToChar[value];

    /// <summary>The byte a character stands for, or false for a character outside the alphabet.</summary>
    public static bool TryGetByte(char c, out byte value) => CharToByte.TryGetValue(c, out value);

    // Printable Latin-1 bytes stand for themselves; the other 68 bytes are shifted to U+0100 and up, in byte order.
    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var shifted = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)(256 + shifted++);
        }

        return table;
    }
}

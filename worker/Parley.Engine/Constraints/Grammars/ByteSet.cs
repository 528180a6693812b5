// A set of byte values, 256 bits in four words: the terminal of every grammar here. UTF-8 characters are sequences of
// these, so one matcher serves JSON, regexes and literals alike.
namespace Parley.Engine.Constraints.Grammars;

/// <summary>An immutable set of bytes.</summary>
internal readonly record struct ByteSet(ulong W0, ulong W1, ulong W2, ulong W3)
{
    public static ByteSet Empty => default;

    public static ByteSet All => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    public static ByteSet Of(byte value) => Range(value, value);

    public static ByteSet Range(int first, int last)
    {
        var set = Empty;
        for (var value = first; value <= last; value++)
        {
            set = set.With((byte)value);
        }

        return set;
    }

    public static ByteSet OfChars(string chars)
    {
        var set = Empty;
        foreach (var c in chars)
        {
            set = set.With(checked((byte)c));
        }

        return set;
    }

    public bool IsEmpty => (W0 | W1 | W2 | W3) == 0;

    public bool Contains(byte value) => ((Word(value >> 6) >> (value & 63)) & 1) != 0;

    public ByteSet With(byte value)
    {
        var bit = 1UL << (value & 63);
        return (value >> 6) switch
        {
            0 => this with { W0 = W0 | bit },
            1 => this with { W1 = W1 | bit },
            2 => this with { W2 = W2 | bit },
            _ => this with { W3 = W3 | bit },
        };
    }

    public ByteSet Union(ByteSet other) => new(W0 | other.W0, W1 | other.W1, W2 | other.W2, W3 | other.W3);

    public ByteSet Except(ByteSet other) => new(W0 & ~other.W0, W1 & ~other.W1, W2 & ~other.W2, W3 & ~other.W3);

    public IEnumerable<byte> Values()
    {
        for (var value = 0; value < 256; value++)
        {
            if (Contains((byte)value))
            {
                yield return (byte)value;
            }
        }
    }

    private ulong Word(int index) => index switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
}

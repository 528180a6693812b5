// A set of Unicode scalar values as sorted, disjoint, inclusive ranges: what a regex class ([a-z], \d, [^"]) means
// before it becomes UTF-8 byte sequences. Surrogates (U+D800..U+DFFF) are never members: they are not characters.
namespace Parley.Engine.Constraints.RegularExpressions;

internal sealed class CodePointSet
{
    public const int MaxCodePoint = 0x10FFFF;
    private const int SurrogateFirst = 0xD800;
    private const int SurrogateLast = 0xDFFF;

    private readonly List<(int First, int Last)> _ranges = [];

    public IReadOnlyList<(int First, int Last)> Ranges => _ranges;

    public bool IsEmpty => _ranges.Count == 0;

    public static CodePointSet Of(params (int First, int Last)[] ranges)
    {
        var set = new CodePointSet();
        foreach (var (first, last) in ranges)
        {
            set.Add(first, last);
        }

        return set;
    }

    public static CodePointSet Char(int codePoint) => Of((codePoint, codePoint));

    public static CodePointSet All() => Of((0, MaxCodePoint));

    public void Add(int first, int last)
    {
        AddUnchecked(first, Math.Min(last, SurrogateFirst - 1));
        AddUnchecked(Math.Max(first, SurrogateLast + 1), last);
    }

    public void Add(CodePointSet other)
    {
        foreach (var (first, last) in other._ranges)
        {
            AddUnchecked(first, last);
        }
    }

    public CodePointSet Complement()
    {
        var result = new CodePointSet();
        var next = 0;
        foreach (var (first, last) in _ranges)
        {
            result.Add(next, first - 1);
            next = last + 1;
        }

        result.Add(next, MaxCodePoint);
        return result;
    }

    public CodePointSet Except(CodePointSet other) => Complement().Union(other).Complement();

    public CodePointSet Intersect(CodePointSet other) => Complement().Union(other.Complement()).Complement();

    public CodePointSet Union(CodePointSet other)
    {
        var result = new CodePointSet();
        result.Add(this);
        result.Add(other);
        return result;
    }

    private void AddUnchecked(int first, int last)
    {
        if (first > last)
        {
            return;
        }

        // Merge with every range that overlaps or touches, then insert in order.
        var merged = (First: first, Last: last);
        var index = 0;
        while (index < _ranges.Count && _ranges[index].Last < first - 1)
        {
            index++;
        }

        while (index < _ranges.Count && _ranges[index].First <= last + 1)
        {
            merged = (Math.Min(merged.First, _ranges[index].First), Math.Max(merged.Last, _ranges[index].Last));
            _ranges.RemoveAt(index);
        }

        _ranges.Insert(index, merged);
    }
}

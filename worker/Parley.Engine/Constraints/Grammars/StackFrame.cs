// A continuation stack as a persistent linked list: the top frame's position is where matching continues; the frames
// below are return positions. Stacks share their tails, never change, and compare by content, so a matcher state (a
// set of stacks) can be interned and its transitions and token mask cached.
namespace Parley.Engine.Constraints.Grammars;

internal sealed class StackFrame : IEquatable<StackFrame>
{
    private readonly int _hash;

    public StackFrame(int position, StackFrame? next)
    {
        Position = position;
        Next = next;
        Depth = next is null ? 1 : next.Depth + 1;
        _hash = HashCode.Combine(position, next?._hash ?? 0);
    }

    public int Position { get; }

    public StackFrame? Next { get; }

    public int Depth { get; }

    public bool Equals(StackFrame? other)
    {
        var left = this;
        var right = other;
        while (left is not null && right is not null)
        {
            if (ReferenceEquals(left, right))
            {
                return true;
            }

            if (left._hash != right._hash || left.Position != right.Position)
            {
                return false;
            }

            left = left.Next;
            right = right.Next;
        }

        return left is null && right is null;
    }

    public override bool Equals(object? obj) => Equals(obj as StackFrame);

    public override int GetHashCode() => _hash;

    /// <summary>A total order by content, so a set of stacks has one canonical array form.</summary>
    public static int Compare(StackFrame? left, StackFrame? right)
    {
        while (left is not null && right is not null && !ReferenceEquals(left, right))
        {
            var order = left._hash != right._hash ? left._hash.CompareTo(right._hash) : left.Position.CompareTo(right.Position);
            if (order != 0)
            {
                return order;
            }

            left = left.Next;
            right = right.Next;
        }

        return ReferenceEquals(left, right) ? 0 : left is null ? -1 : 1;
    }
}

// One interned point of a grammar match: the stacks that can still take a byte, and whether the text so far is a
// complete match. Interned per compiled constraint, so its byte transitions and its allowed-token set are computed
// once and shared by every request that reaches it.
namespace Parley.Engine.Constraints.Grammars;

internal sealed class MatcherState : IEquatable<MatcherState>
{
    private readonly int _hash;
    // Allocated on the first transition: most states a mask walk creates are at the trie's leaves and never move on.
    private MatcherState?[]? _transitions;
    private ulong[]? _allowedTokens;

    public MatcherState(StackFrame[] stacks, bool isAccepting)
    {
        Stacks = stacks;
        IsAccepting = isAccepting;
        var hash = new HashCode();
        hash.Add(isAccepting);
        foreach (var stack in stacks)
        {
            hash.Add(stack.GetHashCode());
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>Sorted by <see cref="StackFrame.Compare"/>; every top position is a byte class.</summary>
    public StackFrame[] Stacks { get; }

    /// <summary>The bytes so far form a complete match (EOS may come here).</summary>
    public bool IsAccepting { get; }

    /// <summary>No byte can follow and the text is not complete.</summary>
    public bool IsDead => Stacks.Length == 0 && !IsAccepting;

    /// <summary>Complete, and no byte can follow.</summary>
    public bool IsFinal => Stacks.Length == 0 && IsAccepting;

    // Benign races: two threads computing the same transition store the same interned state.
    public MatcherState? CachedTransition(byte value)
    {
        var transitions = Volatile.Read(ref _transitions);
        return transitions is null ? null : Volatile.Read(ref transitions[value]);
    }

    public void CacheTransition(byte value, MatcherState next)
    {
        var transitions = Volatile.Read(ref _transitions) ?? Interlocked.CompareExchange(ref _transitions, new MatcherState?[256], null) ?? _transitions!;
        Volatile.Write(ref transitions[value], next);
    }

    public ulong[]? AllowedTokens => Volatile.Read(ref _allowedTokens);

    public ulong[] CacheAllowedTokens(ulong[] bits) => Interlocked.CompareExchange(ref _allowedTokens, bits, null) ?? bits;

    public bool Equals(MatcherState? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._hash != _hash || other.IsAccepting != IsAccepting || other.Stacks.Length != Stacks.Length)
        {
            return false;
        }

        for (var i = 0; i < Stacks.Length; i++)
        {
            if (!Stacks[i].Equals(other.Stacks[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as MatcherState);

    public override int GetHashCode() => _hash;
}

// Runs a Grammar byte by byte. A state is the set of continuation stacks whose top is a byte class (calls and returns
// are expanded eagerly: the "closure"), plus whether some stack has returned from the root (a complete match). States
// are interned, so the automaton is built lazily: each (state, byte) transition is computed once, then is an array
// lookup. That is what keeps the token-trie walk of a mask cheap.
using System.Collections.Concurrent;

namespace Parley.Engine.Constraints.Grammars;

internal sealed class GrammarAutomaton
{
    // Past this many interned states (a deeply recursive schema walked far), new states are still correct but not
    // cached: memory stays bounded (each state holds a 256-entry transition table, about 2 KB).
    private const int MaxInternedStates = 50_000;

    // A left-recursive rule would grow a stack without end; real JSON nesting never gets near this depth.
    private const int MaxStackDepth = 1_000;

    private readonly Grammar _grammar;
    private readonly ConcurrentDictionary<MatcherState, MatcherState> _states = new();
    private int _internedCount;

    public GrammarAutomaton(Grammar grammar)
    {
        _grammar = grammar;
        Dead = Intern(new MatcherState([], isAccepting: false));
        Start = Expand(_grammar.AlternativeStarts[_grammar.RootRule].Select(start => new StackFrame(start, null)));
    }

    public MatcherState Start { get; }

    public MatcherState Dead { get; }

    public int InternedStateCount => Volatile.Read(ref _internedCount);

    /// <summary>The state of one stack alone (not accepting: EOS is decided by the whole state).</summary>
    public MatcherState Single(StackFrame stack) => Intern(new MatcherState([stack], isAccepting: false));

    /// <summary>The top <paramref name="depth"/> frames of a stack on a bottom that takes no byte (
    /// <paramref name="mayGuess"/> false) or every byte string (true).</summary>
    public MatcherState Truncated(StackFrame stack, int depth, bool mayGuess)
    {
        var positions = new int[depth];
        var frame = stack;
        for (var i = 0; i < depth; i++, frame = frame!.Next)
        {
            positions[i] = frame!.Position;
        }

        var truncated = new StackFrame(mayGuess ? _grammar.UniversePosition : _grammar.BlockedPosition, null);
        for (var i = depth - 1; i >= 0; i--)
        {
            truncated = new StackFrame(positions[i], truncated);
        }

        return Single(truncated);
    }

    public MatcherState Advance(MatcherState state, byte value)
    {
        var cached = state.CachedTransition(value);
        if (cached is not null)
        {
            return cached;
        }

        var moved = new List<StackFrame>();
        foreach (var stack in state.Stacks)
        {
            if (_grammar.Classes[_grammar.Symbols[stack.Position]].Contains(value))
            {
                moved.Add(new StackFrame(stack.Position + 1, stack.Next));
            }
        }

        var next = moved.Count == 0 ? Dead : Expand(moved);
        state.CacheTransition(value, next);
        return next;
    }

    public MatcherState Advance(MatcherState state, ReadOnlySpan<byte> bytes)
    {
        foreach (var value in bytes)
        {
            state = Advance(state, value);
            if (state.IsDead)
            {
                break;
            }
        }

        return state;
    }

    /// <summary>The fewest bytes that complete a match from the state (breadth-first over transitions), or null when
    /// none is found within <paramref name="stateLimit"/> states.</summary>
    public byte[]? ShortestCompletion(MatcherState state, int stateLimit = 100_000)
    {
        var parents = new Dictionary<MatcherState, (MatcherState Parent, byte Value)>();
        var queue = new Queue<MatcherState>([state]);
        var seen = new HashSet<MatcherState> { state };
        while (queue.Count > 0 && seen.Count < stateLimit)
        {
            var current = queue.Dequeue();
            if (current.IsAccepting)
            {
                return PathTo(current, state, parents);
            }

            for (var value = 0; value < 256; value++)
            {
                var next = Advance(current, (byte)value);
                if (!next.IsDead && seen.Add(next))
                {
                    parents[next] = (current, (byte)value);
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }

    private static byte[] PathTo(MatcherState end, MatcherState start, Dictionary<MatcherState, (MatcherState Parent, byte Value)> parents)
    {
        var path = new List<byte>();
        for (var state = end; !ReferenceEquals(state, start); state = parents[state].Parent)
        {
            path.Add(parents[state].Value);
        }

        path.Reverse();
        return [.. path];
    }

    private MatcherState Expand(IEnumerable<StackFrame> frames)
    {
        var tops = new HashSet<StackFrame>();
        var seen = new HashSet<StackFrame>();
        var work = new Stack<StackFrame>(frames);
        var isAccepting = false;
        while (work.Count > 0)
        {
            var frame = work.Pop();
            if (frame.Depth > MaxStackDepth || !seen.Add(frame))
            {
                continue;
            }

            var symbol = _grammar.Symbols[frame.Position];
            if (symbol == Grammar.End)
            {
                if (frame.Next is null)
                {
                    isAccepting = true;
                }
                else
                {
                    work.Push(frame.Next);
                }
            }
            else if (Grammar.IsCall(symbol, out var rule))
            {
                // A call in tail position returns straight to our caller: no frame for it, so repetition (right
                // recursion) runs in constant depth.
                var returnTo = _grammar.Symbols[frame.Position + 1] == Grammar.End ? frame.Next : new StackFrame(frame.Position + 1, frame.Next);
                foreach (var start in _grammar.AlternativeStarts[rule])
                {
                    work.Push(new StackFrame(start, returnTo));
                }
            }
            else
            {
                tops.Add(frame);
            }
        }

        var stacks = tops.ToArray();
        Array.Sort(stacks, StackFrame.Compare);
        return Intern(new MatcherState(stacks, isAccepting));
    }

    private MatcherState Intern(MatcherState state)
    {
        if (_states.TryGetValue(state, out var known))
        {
            return known;
        }

        // ConcurrentDictionary.Count takes every bucket lock; a counter of our own is one atomic read.
        if (Volatile.Read(ref _internedCount) >= MaxInternedStates)
        {
            return state;
        }

        var interned = _states.GetOrAdd(state, state);
        if (ReferenceEquals(interned, state))
        {
            Interlocked.Increment(ref _internedCount);
        }

        return interned;
    }
}

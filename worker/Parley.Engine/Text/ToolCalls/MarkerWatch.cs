// Finds markers (tags or special tokens) in text that arrives a character at a time. Text that could still be the start
// of a marker is held; the moment it cannot be, it is released, so plain text is never delayed by more than the
// longest marker prefix it ends with, and no part of a marker is ever released.
using System.Text;

namespace Parley.Engine.Text.ToolCalls;

/// <summary>Watches a character stream for any of a few markers.</summary>
internal sealed class MarkerWatch(params string[] markers)
{
    private readonly StringBuilder _held = new();

    /// <summary>Reads one character; text known not to be a marker goes to <paramref name="released"/>.</summary>
    /// <returns>The marker this character completed, or null.</returns>
    public string? Feed(char c, StringBuilder released) => Watch(c, released);

    /// <summary>Reads one character of text that is being dropped (the rest of a broken call).</summary>
    /// <returns>True when this character completed a marker.</returns>
    public bool Skip(char c) => Watch(c, released: null) is not null;

    /// <summary>Gives up what is held (the text ended without completing a marker).</summary>
    public string TakeHeld()
    {
        var held = _held.ToString();
        _held.Clear();
        return held;
    }

    private string? Watch(char c, StringBuilder? released)
    {
        _held.Append(c);
        foreach (var marker in markers)
        {
            if (_held.Length == marker.Length && _held.Equals(marker.AsSpan()))
            {
                _held.Clear();
                return marker;
            }
        }

        // Drop characters from the front until what remains could still grow into a marker ("<<tool_call>" keeps "<").
        var start = 0;
        while (start < _held.Length && !CouldStartMarker(start))
        {
            start++;
        }

        released?.Append(_held, 0, start);
        _held.Remove(0, start);
        return null;
    }

    private bool CouldStartMarker(int start)
    {
        var length = _held.Length - start;
        foreach (var marker in markers)
        {
            if (length < marker.Length && IsHeldPrefixOf(start, marker))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsHeldPrefixOf(int start, string marker)
    {
        for (var i = start; i < _held.Length; i++)
        {
            if (_held[i] != marker[i - start])
            {
                return false;
            }
        }

        return true;
    }
}

// The last lines a process wrote, bounded as the kubelet bounds a termination message taken from logs
// (FallbackToLogsOnError: the last 80 lines or 2048 bytes, whichever is smaller).
namespace Parley.LocalCluster.Containers;

internal sealed class TextTail
{
    public const int MaxLines = 80;
    public const int MaxChars = 2048;

    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > MaxLines)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        string text;
        lock (_gate)
        {
            text = string.Join('\n', _lines);
        }

        return text.Length <= MaxChars ? text : text[^MaxChars..];
    }
}

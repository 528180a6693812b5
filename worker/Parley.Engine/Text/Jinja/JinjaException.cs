// Errors from parsing or rendering a Jinja template, always with the template line they come from.
namespace Parley.Engine.Text.Jinja;

/// <summary>A template that cannot be parsed, or that failed while rendering.</summary>
/// <remarks>
/// <see cref="Line"/> is the 1-based template line; 0 when unknown. Errors raised by the template itself through
/// <c>raise_exception(msg)</c> have <see cref="IsRaisedByTemplate"/> set and carry the template's message.
/// </remarks>
public sealed class JinjaException : Exception
{
    public JinjaException()
    {
    }

    public JinjaException(string message)
        : base(message)
    {
    }

    public JinjaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal JinjaException(string message, int line, bool isRaisedByTemplate = false)
        : base(line > 0 ? $"{message} at line {line}" : message)
    {
        Line = line;
        Detail = message;
        IsRaisedByTemplate = isRaisedByTemplate;
    }

    public int Line { get; }

    /// <summary>The message without the line suffix.</summary>
    public string Detail { get; } = "";

    public bool IsRaisedByTemplate { get; }
}

/// <summary>A runtime failure before its line is known; the interpreter rethrows it as a <see cref="JinjaException"/>.</summary>
internal sealed class JinjaRuntimeError(string message, bool isRaisedByTemplate = false) : Exception(message)
{
    public bool IsRaisedByTemplate { get; } = isRaisedByTemplate;
}

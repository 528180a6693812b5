// Reads the JSON object most families write a call as, {"name": "f", "arguments": {...}}, one character at a time.
// The object's own level (keys, colons, commas) is read here; every value goes through a JsonValueScanner, so the
// arguments value is delimited exactly and its characters can be handed on as they arrive, none held back. Keys other
// than the name and arguments are validated and ignored. Llama writes "parameters" for the arguments.
using System.Text;
using System.Text.Json;

namespace Parley.Engine.Text.ToolCalls;

/// <summary>Where a <see cref="CallObjectReader"/> stands after a character.</summary>
internal enum CallObjectStep
{
    Pending,
    Completed,
    Invalid,
}

/// <summary>Reads one <c>{"name": ..., "arguments": ...}</c> object incrementally.</summary>
internal sealed class CallObjectReader(IReadOnlyList<string> argumentKeys)
{
    private readonly StringBuilder _key = new();
    private readonly StringBuilder _nameLiteral = new();
    private readonly StringBuilder _pendingArguments = new();
    private JsonValueScanner _value = new();
    private Part _part = Part.Open;
    private Field _field;

    private enum Part
    {
        Open,
        KeyOrClose,
        Key,
        KeyText,
        Colon,
        Value,
        CommaOrClose,
        Done,
    }

    private enum Field
    {
        Other,
        Name,
        Arguments,
    }

    /// <summary>The function name, once its string has closed.</summary>
    public string? Name { get; private set; }

    /// <summary>True once the arguments value has begun.</summary>
    public bool HasArguments { get; private set; }

    /// <summary>The name is known and the arguments have begun or the object is complete: the call can be announced.</summary>
    public bool IsReadyToOpen => Name is not null && (HasArguments || _part == Part.Done);

    public bool HasPendingArguments => _pendingArguments.Length > 0;

    /// <summary>Moves the arguments text read since the last call (all of it while the name is still unknown).</summary>
    public void TakeArguments(StringBuilder destination)
    {
        destination.Append(_pendingArguments);
        _pendingArguments.Clear();
    }

    public CallObjectStep Feed(char c)
    {
        switch (_part)
        {
            case Part.Open:
                return JsonValueScanner.IsWhitespace(c) ? CallObjectStep.Pending : Move(c == '{', Part.KeyOrClose);
            case Part.KeyOrClose when c == '}':
            case Part.CommaOrClose when c == '}':
                if (Name is null)
                {
                    return CallObjectStep.Invalid; // An object without a name is some other JSON, not a call.
                }

                _part = Part.Done;
                return CallObjectStep.Completed;
            case Part.KeyOrClose or Part.Key when c == '"':
                _key.Clear();
                return Move(true, Part.KeyText);
            case Part.KeyText:
                return ReadKey(c);
            case Part.Colon when c == ':':
                _value = new JsonValueScanner();
                return Move(true, Part.Value);
            case Part.Value:
                return ReadValue(c);
            case Part.CommaOrClose when c == ',':
                return Move(true, Part.Key);
            case Part.Done:
                return CallObjectStep.Invalid;
            default:
                return JsonValueScanner.IsWhitespace(c) ? CallObjectStep.Pending : CallObjectStep.Invalid;
        }
    }

    private CallObjectStep Move(bool isValid, Part next)
    {
        if (!isValid)
        {
            return CallObjectStep.Invalid;
        }

        _part = next;
        return CallObjectStep.Pending;
    }

    private CallObjectStep ReadKey(char c)
    {
        // Keys the reader cares about are plain ASCII words; an escape in a key only matters for a key it ignores.
        if (c == '"' && HasEvenTrailingBackslashes(_key))
        {
            var key = _key.ToString();
            _field = key == "name" ? Field.Name : argumentKeys.Contains(key) ? Field.Arguments : Field.Other;
            if ((_field == Field.Name && (Name is not null || _nameLiteral.Length > 0)) || (_field == Field.Arguments && HasArguments))
            {
                return CallObjectStep.Invalid; // A second name or arguments: which one is meant is unknowable.
            }

            return Move(true, Part.Colon);
        }

        _key.Append(c);
        return c < ' ' ? CallObjectStep.Invalid : CallObjectStep.Pending;
    }

    private CallObjectStep ReadValue(char c)
    {
        var step = _value.Feed(c);
        if (step == JsonStep.Invalid)
        {
            return CallObjectStep.Invalid;
        }

        if (step is JsonStep.Inside or JsonStep.Completed)
        {
            Keep(c);
        }

        if (step is JsonStep.Leading or JsonStep.Inside)
        {
            return CallObjectStep.Pending;
        }

        if (_field == Field.Name && !TakeName())
        {
            return CallObjectStep.Invalid;
        }

        _part = Part.CommaOrClose;
        return step == JsonStep.EndedBefore ? Feed(c) : CallObjectStep.Pending;
    }

    private void Keep(char c)
    {
        if (_field == Field.Arguments)
        {
            HasArguments = true;
            _pendingArguments.Append(c);
        }
        else if (_field == Field.Name)
        {
            _nameLiteral.Append(c);
        }
    }

    private bool TakeName()
    {
        var literal = _nameLiteral.ToString();
        if (literal.Length == 0 || literal[0] != '"')
        {
            return false; // The name must be a string.
        }

        try
        {
            Name = JsonDocument.Parse(literal).RootElement.GetString();
        }
        catch (ArgumentException)
        {
            return false; // Half a surrogate pair: not text, so not a name.
        }

        return !string.IsNullOrWhiteSpace(Name);
    }

    private static bool HasEvenTrailingBackslashes(StringBuilder text)
    {
        var backslashCount = 0;
        for (var i = text.Length - 1; i >= 0 && text[i] == '\\'; i--)
        {
            backslashCount++;
        }

        return backslashCount % 2 == 0;
    }
}

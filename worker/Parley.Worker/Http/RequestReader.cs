// Typed reads from a request's JSON with errors that name the field, as vLLM's pydantic models give them: a string
// where a number belongs is a 400 about that field, never a 500. Every field read is remembered, so the fields nobody
// read (a client's extras, accepted as vLLM accepts them) can be logged. The body is checked whole when it is parsed:
// a duplicated key or a string that is not valid UTF-16 (a lone surrogate escape such as "\ud800") is a 400 at once,
// so no handler meets it later as an exception of its own.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Http;

/// <summary>Reads fields of one JSON request body.</summary>
public sealed class RequestReader
{
    private readonly JsonObject _body;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private RequestReader(JsonObject body) => _body = body;

    public JsonObject Body => _body;

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>Parses a request body, which must be a JSON object.</summary>
    public static RequestReader Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: Strict);
        }
        catch (JsonException exception)
        {
            throw ApiException.BadRequest($"The request body is not valid JSON: {exception.Message}");
        }
        catch (InvalidOperationException)
        {
            throw NotUnicode("a field name", null);
        }

        if (node is not JsonObject body)
        {
            throw ApiException.BadRequest("The request body must be a JSON object.");
        }

        CheckStrings(body, "");
        return new RequestReader(body);
    }

    // Reading every name and string once makes System.Text.Json decode them; an invalid UTF-16 escape fails here.
    private static void CheckStrings(JsonNode? node, string path)
    {
        try
        {
            switch (node)
            {
                case JsonObject value:
                    foreach (var (key, child) in value)
                    {
                        CheckStrings(child, path.Length == 0 ? key : $"{path}.{key}");
                    }

                    break;
                case JsonArray list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        CheckStrings(list[i], $"{path}[{i}]");
                    }

                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    _ = value.GetValue<string>();
                    break;
            }
        }
        catch (InvalidOperationException)
        {
            throw path.Length == 0 ? NotUnicode("a field name", null) : NotUnicode(Truncated(path), Truncated(path));
        }
    }

    private static ApiException NotUnicode(string what, string? param) =>
        ApiException.BadRequest($"{what} holds a string that is not valid Unicode (an unpaired surrogate escape such as \\ud800); send UTF-8 text.", param);

    /// <summary>A client-chosen name cut to a length fit for a message or a log line.</summary>
    public static string Truncated(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        const int MaxLength = 64;
        return name.Length <= MaxLength ? name : $"{name[..MaxLength]}... ({name.Length} characters)";
    }

    /// <summary>Fields present but never read.</summary>
    public IEnumerable<string> UnreadFields => _body.Select(pair => pair.Key).Where(key => !_read.Contains(key));

    public bool Has(string name)
    {
        _read.Add(name);
        return _body[name] is not null;
    }

    public JsonNode? Node(string name)
    {
        _read.Add(name);
        return _body[name];
    }

    public string? String(string name) => Node(name) switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw WrongType(name, "a string"),
    };

    public bool? Bool(string name) => Node(name) switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw WrongType(name, "a boolean"),
    };

    public double? Number(string name) => Node(name) switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var real) && double.IsFinite(real) => real,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => throw ApiException.BadRequest($"{name} is too large for a number.", name),
        _ => throw WrongType(name, "a number"),
    };

    public long? Integer(string name) => Node(name) switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var integer) => integer,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var real) && real == Math.Floor(real) && Math.Abs(real) < 9e15 => (long)real,
        _ => throw WrongType(name, "an integer"),
    };

    /// <summary>An integer that must fit an int and lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue) => Integer(name) switch
    {
        null => null,
        { } value when value >= min && value <= max => (int)value,
        { } value => throw ApiException.BadRequest($"{name} must be in [{min}, {max}], got {value}.", name),
    };

    /// <summary>A list of integers (token ids).</summary>
    public IReadOnlyList<int>? Ints(string name) => Node(name) switch
    {
        null => null,
        JsonArray array => array.Select(item => item is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var id)
            ? id : throw WrongType(name, "a list of integers")).ToList(),
        _ => throw WrongType(name, "a list of integers"),
    };

    /// <summary>A string or a list of strings (OpenAI's <c>stop</c>).</summary>
    public IReadOnlyList<string>? Strings(string name) => Node(name) switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        JsonArray array => array.Select(item => item is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>() : throw WrongType(name, "a string or a list of strings")).ToList(),
        _ => throw WrongType(name, "a string or a list of strings"),
    };

    /// <summary>A boolean field of an object field, e.g. <c>stream_options.include_usage</c>.</summary>
    public bool? Bool(string name, string field) => Object(name)?[field] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw WrongType($"{name}.{field}", "a boolean"),
    };

    public JsonObject? Object(string name) => Node(name) switch
    {
        null => null,
        JsonObject value => value,
        _ => throw WrongType(name, "an object"),
    };

    private static ApiException WrongType(string name, string expected) => ApiException.BadRequest($"{name} must be {expected}.", name);
}

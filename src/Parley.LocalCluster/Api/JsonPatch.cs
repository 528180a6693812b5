// JSON patch (RFC 6902): add, remove, replace, move, copy and test, with RFC 6901 pointers (~0 for ~, ~1 for /,
// "-" for the end of an array). A failed test or a missing path is 422, as on the real server.
using System.Globalization;
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

public static class JsonPatch
{
    /// <summary>Returns <paramref name="target"/> with the operations of <paramref name="patch"/> applied in order.</summary>
    /// <exception cref="ApiStatusException">400 for a malformed patch, 422 when an operation cannot apply.</exception>
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (patch is not JsonArray operations)
        {
            throw ApiStatusException.BadRequest("json patch must be an array of operations");
        }

        JsonNode document = target.DeepClone();
        foreach (var operation in operations)
        {
            document = ApplyOne(document, operation as JsonObject ?? throw ApiStatusException.BadRequest("json patch operation must be an object"));
        }

        return document as JsonObject ?? throw Unprocessable("the patched document is not an object");
    }

    private static JsonNode ApplyOne(JsonNode document, JsonObject operation)
    {
        var op = Text(operation, "op");
        var path = Text(operation, "path");
        switch (op)
        {
            case "add":
                return Add(document, path, Value(operation));
            case "remove":
                Remove(document, path);
                return document;
            case "replace":
                Remove(document, path);
                return Add(document, path, Value(operation));
            case "move":
                var moved = Resolve(document, Text(operation, "from"))?.DeepClone();
                Remove(document, Text(operation, "from"));
                return Add(document, path, moved);
            case "copy":
                return Add(document, path, Resolve(document, Text(operation, "from"))?.DeepClone());
            case "test":
                if (!JsonNode.DeepEquals(Resolve(document, path), operation["value"]))
                {
                    throw Unprocessable($"testing value {path} failed");
                }

                return document;
            default:
                throw ApiStatusException.BadRequest($"unexpected json patch operation \"{op}\"");
        }
    }

    private static JsonNode Add(JsonNode document, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw Unprocessable("cannot replace the document with null");
        }

        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array:
                var index = Index(last, array.Count + 1, path);
                array.Insert(index, value);
                break;
            default:
                throw Unprocessable($"add operation does not apply: doc is missing path: \"{path}\"");
        }

        return document;
    }

    private static void Remove(JsonNode document, string path)
    {
        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj.Remove(last);
                break;
            case JsonArray array:
                array.RemoveAt(Index(last, array.Count, path));
                break;
            default:
                throw Unprocessable($"remove operation does not apply: doc is missing path: \"{path}\"");
        }
    }

    private static (JsonNode? Parent, string Last) Parent(JsonNode document, string path)
    {
        var cut = path.LastIndexOf('/');
        if (cut < 0)
        {
            throw ApiStatusException.BadRequest($"json patch path must start with '/': \"{path}\"");
        }

        return (Resolve(document, path[..cut]), Unescape(path[(cut + 1)..]));
    }

    private static JsonNode? Resolve(JsonNode document, string pointer)
    {
        if (pointer.Length == 0)
        {
            return document;
        }

        if (!pointer.StartsWith('/'))
        {
            throw ApiStatusException.BadRequest($"json patch path must start with '/': \"{pointer}\"");
        }

        JsonNode? node = document;
        foreach (var segment in pointer[1..].Split('/').Select(Unescape))
        {
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array => array[Index(segment, array.Count, pointer)],
                _ => throw Unprocessable($"doc is missing path: \"{pointer}\""),
            };
        }

        return node;
    }

    private static int Index(string segment, int count, string path) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < count
            ? index
            : throw Unprocessable($"doc is missing path: \"{path}\": index out of range");

    private static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static string Text(JsonObject operation, string field) =>
        operation[field] is JsonValue v && v.TryGetValue<string>(out var text)
            ? text
            : throw ApiStatusException.BadRequest($"json patch operation is missing \"{field}\"");

    private static JsonNode? Value(JsonObject operation) =>
        operation.TryGetPropertyValue("value", out var value)
            ? value?.DeepClone()
            : throw ApiStatusException.BadRequest("json patch operation is missing \"value\"");

    private static ApiStatusException Unprocessable(string message) => new(422, "Invalid", message);
}

// Failures answered as the real API server answers them: a v1.Status body whose code, reason and message match
// what client code branches on (409 AlreadyExists vs Conflict, 410 Expired, 422 Invalid with the field named).
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

/// <summary>A request the fake API server refuses, carried to the HTTP layer as an exception.</summary>
public sealed class ApiStatusException : Exception
{
    public ApiStatusException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public ApiStatusException()
        : this(500, "InternalError", "internal error")
    {
    }

    public ApiStatusException(string message)
        : this(500, "InternalError", message)
    {
    }

    public ApiStatusException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 500;
        Reason = "InternalError";
    }

    /// <summary>The HTTP status code, also written to the Status body's <c>code</c>.</summary>
    public int Code { get; }

    /// <summary>The machine-readable reason: <c>NotFound</c>, <c>AlreadyExists</c>, <c>Conflict</c>, <c>Invalid</c>, ...</summary>
    public string Reason { get; }

    public JsonObject? Details { get; }

    /// <summary>The <c>v1.Status</c> body for this failure.</summary>
    public JsonObject ToStatus() => StatusBody.Failure(Code, Reason, Message, Details?.DeepClone() as JsonObject);

    public static ApiStatusException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", Describe(type, name));

    public static ApiStatusException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", Describe(type, name));

    public static ApiStatusException Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Describe(type, name));

    /// <summary>422 naming the field, in the real server's words: <c>Kind.group "name" is invalid: field: message</c>.</summary>
    public static ApiStatusException Invalid(ResourceType type, string name, string field, string message)
    {
        var details = Describe(type, name);
        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = message, ["field"] = field });
        var qualifiedKind = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
        return new ApiStatusException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {field}: {message}", details);
    }

    public static ApiStatusException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiStatusException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");

    public static ApiStatusException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json ({contentType})");

    /// <summary>The watch answer for a resourceVersion older than the kept history.</summary>
    public static ApiStatusException Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})");

    public static ApiStatusException UnknownPath(string path) =>
        new(404, "NotFound", $"the server could not find the requested resource ({path})");

    private static JsonObject Describe(ResourceType type, string name) =>
        new() { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural };
}

// v1.Status documents, the body of every failure and of an immediate delete of most built-in kinds.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

/// <summary>Builds <c>v1.Status</c> JSON.</summary>
public static class StatusBody
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        return status;
    }

    /// <summary>What the real server answers to a delete that removed the object at once, for kinds that do not return it.</summary>
    public static JsonObject Success(ResourceType type, JsonObject deleted)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(deleted);
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = new JsonObject
            {
                ["name"] = deleted.Name(),
                ["group"] = type.Group,
                ["kind"] = type.Plural,
                ["uid"] = deleted.Uid(),
            },
        };
    }
}

// Conversions the real server applies to every write before storing, where reading back differs from what was sent.
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

internal static class ObjectDefaults
{
    public static void Apply(ResourceType type, JsonObject obj)
    {
        if (type is { Group: "", Kind: "Secret" })
        {
            MergeStringData(obj);
        }
    }

    /// <summary>A Secret's write-only <c>stringData</c> is base64-encoded into <c>data</c> (its keys win) and never stored.</summary>
    private static void MergeStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject stringData)
        {
            secret.Remove("stringData");
            return;
        }

        if (secret["data"] is not JsonObject data)
        {
            data = [];
            secret["data"] = data;
        }

        foreach (var (key, value) in stringData)
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        }

        secret.Remove("stringData");
    }
}

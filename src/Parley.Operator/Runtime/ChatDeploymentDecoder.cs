// Lists and watches of ChatDeployments arrive as JSON and are decoded one object at a time: an object the types cannot
// read becomes a stand-in with its metadata and status (enough to report on it and to run its finalizer) and its
// decode error is recorded in DecodeFailures, naming the field.
using System.Text.Json;
using k8s;
using k8s.Models;
using Parley.Api;
using Parley.Api.Status;

namespace Parley.Operator.Runtime;

/// <summary>Decodes ChatDeployments one by one, never failing on a spec.</summary>
public sealed class ChatDeploymentDecoder(DecodeFailures failures)
{
    /// <summary>The ChatDeployment in <paramref name="json"/>; a stand-in without its spec when the spec cannot be read.</summary>
    /// <exception cref="JsonException">The metadata itself cannot be read: not a Kubernetes object.</exception>
    public ChatDeployment Decode(JsonElement json)
    {
        try
        {
            var chat = KubernetesJson.Deserialize<ChatDeployment>(json.GetRawText());
            // A quantity is parsed only when it is written, and every reconcile writes what it read: write it once here.
            _ = KubernetesJson.Serialize(chat);
            failures.Forget(ObjectKeys.KeyOf(chat));
            return chat;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            var standIn = new ChatDeployment
            {
                Metadata = KubernetesJson.Deserialize<V1ObjectMeta>(json.GetProperty("metadata").GetRawText()),
                Status = TryStatus(json),
            };
            var field = FieldLocator.Locate(json, typeof(ChatDeployment)) ?? $"the object cannot be read: {e.Message}";
            failures.Record(ObjectKeys.KeyOf(standIn), standIn.Metadata.ResourceVersion, $"The spec cannot be read: {field}");
            return standIn;
        }
    }

    /// <summary>The object <paramref name="obj"/> of a watch event: a <see cref="JsonElement"/> from the custom-objects client.</summary>
    public ChatDeployment Decode(object obj) =>
        Decode(obj is JsonElement element ? element : JsonSerializer.SerializeToElement(obj));

    private static ChatDeploymentStatus? TryStatus(JsonElement json)
    {
        if (!json.TryGetProperty("status", out var status))
        {
            return null;
        }

        try
        {
            return KubernetesJson.Deserialize<ChatDeploymentStatus>(status.GetRawText());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            return null; // Rewritten by the operator on the next status write.
        }
    }
}

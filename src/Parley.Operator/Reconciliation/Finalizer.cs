// The cleanup finalizer: on deletion, owned workloads go first (the garbage collector would remove them too, but the
// finalizer makes deletion observable and ordered); the UI's data claim and credentials are kept unless the spec says
// otherwise (they carry no owner reference); then the finalizer is removed and the API server deletes the object.
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api;
using Parley.Operator.Resources;

namespace Parley.Operator.Reconciliation;

/// <summary>Adds and runs the <c>parley.dev/cleanup</c> finalizer.</summary>
public sealed class Finalizer(ClusterApi api, Applier applier)
{
    public const string Name = "parley.dev/cleanup";

    public static bool IsPresent(ChatDeployment chat) => chat?.Metadata.Finalizers?.Contains(Name) == true;

    /// <summary>Adds the finalizer when it is missing and returns the ChatDeployment as stored.</summary>
    public async Task<ChatDeployment> EnsureAsync(ChatDeployment chat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chat);
        if (IsPresent(chat))
        {
            return chat;
        }

        return await PatchFinalizersAsync(chat, [.. chat.Metadata.Finalizers ?? [], Name], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes what must go and removes the finalizer.</summary>
    public async Task RunAsync(ChatDeployment chat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chat);
        if (!IsPresent(chat))
        {
            return;
        }

        await OwnedObjects.DeleteAllAsync(applier, chat, except: [], cancellationToken).ConfigureAwait(false);
        await PatchFinalizersAsync(chat, chat.Metadata.Finalizers!.Where(f => f != Name).ToList(), cancellationToken).ConfigureAwait(false);
    }

    private Task<ChatDeployment> PatchFinalizersAsync(ChatDeployment chat, IList<string> finalizers, CancellationToken cancellationToken)
    {
        // A merge patch replaces the whole list; the resourceVersion makes it fail rather than drop another controller's finalizer.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
                ["resourceVersion"] = chat.Metadata.ResourceVersion,
            },
        };
        return api.PatchAsync<ChatDeployment>(chat.Metadata.NamespaceProperty, chat.Metadata.Name,
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), cancellationToken);
    }
}

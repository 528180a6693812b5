// Kubernetes Events for the decisions a person wants to see in `kubectl describe chat`: planned, re-planned, refused,
// stepped down. Events are written only when a decision changes, so a steady state writes none.
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Reconciliation;

/// <summary>Writes core v1 Events about a ChatDeployment.</summary>
public sealed class EventRecorder(ClusterApi api, TimeProvider clock)
{
    public const string Component = "parley-operator";

    public Task NormalAsync(ChatDeployment chat, string reason, string message, CancellationToken cancellationToken) =>
        RecordAsync(chat, "Normal", reason, message, cancellationToken);

    public Task WarningAsync(ChatDeployment chat, string reason, string message, CancellationToken cancellationToken) =>
        RecordAsync(chat, "Warning", reason, message, cancellationToken);

    private Task RecordAsync(ChatDeployment chat, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return api.CreateEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{chat.Metadata.Name}.{now.Ticks:x}",
                NamespaceProperty = chat.Metadata.NamespaceProperty,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = ChatDeployment.ApiVersionValue,
                Kind = ChatDeployment.KindValue,
                Name = chat.Metadata.Name,
                NamespaceProperty = chat.Metadata.NamespaceProperty,
                Uid = chat.Metadata.Uid,
                ResourceVersion = chat.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        }, cancellationToken);
    }
}

// app.kubernetes.io/* labels on everything Parley creates, and the narrower selector labels that pods are matched by.
using Parley.Api;

namespace Parley.Operator.Resources;

/// <summary>The labels of owned objects.</summary>
public static class Labels
{
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string Component = "app.kubernetes.io/component";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    /// <summary>The ChatDeployment an object belongs to; the operator's informers select owned objects by it.</summary>
    public const string Chat = "parley.dev/chat";

    public const string WorkerComponent = "worker";
    public const string UiComponent = "ui";
    public const string RouterComponent = "router";
    public const string WorkerAppName = "parley-worker";
    public const string UiAppName = "open-webui";
    public const string RouterAppName = "parley-router";
    public const string OperatorAppName = "parley-operator";

    /// <summary>The labels every ChatDeployment's worker pods carry.</summary>
    public static IReadOnlyDictionary<string, string> AnyWorker { get; } = new Dictionary<string, string>
    {
        [Name] = WorkerAppName,
        [Component] = WorkerComponent,
    };

    /// <summary>The labels that select one component's pods; never change them, a Deployment's selector is immutable.</summary>
    public static Dictionary<string, string> Selector(ChatDeployment chat, string component)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return new()
        {
            [Name] = component switch
            {
                WorkerComponent => WorkerAppName,
                RouterComponent => RouterAppName,
                _ => UiAppName,
            },
            [Instance] = chat.Metadata.Name!,
            [Component] = component,
        };
    }

    /// <summary>Selector labels plus the ones that say who made the object.</summary>
    public static Dictionary<string, string> For(ChatDeployment chat, string component)
    {
        var labels = Selector(chat, component);
        labels[PartOf] = "parley";
        labels[ManagedBy] = OperatorAppName;
        labels[Chat] = chat.Metadata.Name!;
        return labels;
    }
}

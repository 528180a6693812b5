// The ConfigMap holding an inline chat template, mounted into the worker as a file for --chat-template.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds the chat-template ConfigMap when the spec carries a template inline.</summary>
public static class ChatTemplateConfigMap
{
    public static V1ConfigMap? Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Spec.Model.ChatTemplate?.Inline is not { } template)
        {
            return null;
        }

        return Ownership.Own(new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = ResourceNames.ChatTemplate(context.Chat), NamespaceProperty = context.Namespace, Labels = Labels.For(context.Chat, Labels.WorkerComponent) },
            Data = new Dictionary<string, string> { [WorkerArgs.ChatTemplateFile] = template },
        }, context.Chat);
    }
}

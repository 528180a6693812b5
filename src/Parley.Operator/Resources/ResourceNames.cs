// Deterministic names of the objects a ChatDeployment owns. Validation keeps the ChatDeployment's name short enough
// (Names.MaxChatDeploymentNameLength) that every name here fits a Service name and a label value.
using Parley.Api;

namespace Parley.Operator.Resources;

/// <summary>Names of owned objects, derived from the ChatDeployment's name.</summary>
public static class ResourceNames
{
    public static string Worker(ChatDeployment chat) => Of(chat) + "-worker";
    public static string Ui(ChatDeployment chat) => Of(chat) + "-ui";

    /// <summary>The router's Deployment, ServiceAccount, Role and RoleBinding.</summary>
    public static string Router(ChatDeployment chat) => Of(chat) + "-router";

    /// <summary>The API Service: the ChatDeployment's own name, the address clients use; it selects the router pods.</summary>
    public static string Api(ChatDeployment chat) => Of(chat);
    public static string UiData(ChatDeployment chat) => Of(chat) + "-ui-data";
    public static string Credentials(ChatDeployment chat) => Of(chat) + "-credentials";
    public static string ChatTemplate(ChatDeployment chat) => Of(chat) + "-chat-template";
    public static string ModelCache(ChatDeployment chat) => Of(chat) + "-model-cache";

    public static string Namespace(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return chat.Metadata.NamespaceProperty ?? "default";
    }

    private static string Of(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return chat.Metadata.Name ?? throw new ArgumentException("The ChatDeployment has no name.", nameof(chat));
    }
}

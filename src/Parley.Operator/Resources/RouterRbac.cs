// The router's identity and exactly the access it needs in its own namespace: read the worker EndpointSlices (discovery)
// and get and merge-patch its own ChatDeployment (the wake annotation). Nothing cluster-wide, nothing of other
// ChatDeployments. The operator holds these permissions itself, as RBAC requires of whoever grants them.
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Resources;

/// <summary>Builds the router's ServiceAccount, Role and RoleBinding.</summary>
public static class RouterRbac
{
    public static V1ServiceAccount? ServiceAccount(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.IsRoutingEnabled
            ? Ownership.Own(new V1ServiceAccount
            {
                ApiVersion = "v1",
                Kind = "ServiceAccount",
                Metadata = Metadata(context),
                // The router's pods mount the token; nothing else in the namespace should use this account.
                AutomountServiceAccountToken = true,
            }, context.Chat)
            : null;
    }

    public static V1Role? Role(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.IsRoutingEnabled
            ? Ownership.Own(new V1Role
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "Role",
                Metadata = Metadata(context),
                Rules = Rules(context.Chat),
            }, context.Chat)
            : null;
    }

    public static V1RoleBinding? RoleBinding(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsRoutingEnabled)
        {
            return null;
        }

        var name = ResourceNames.Router(context.Chat);
        return Ownership.Own(new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "RoleBinding",
            Metadata = Metadata(context),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = context.Namespace }],
        }, context.Chat);
    }

    /// <summary>The router's rules: EndpointSlices read (a list cannot be narrowed by name), its own ChatDeployment get and patch.</summary>
    public static List<V1PolicyRule> Rules(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return
        [
            new V1PolicyRule { ApiGroups = ["discovery.k8s.io"], Resources = ["endpointslices"], Verbs = ["get", "list", "watch"] },
            new V1PolicyRule { ApiGroups = [ChatDeployment.Group], Resources = [ChatDeployment.Plural], ResourceNames = [chat.Metadata.Name!], Verbs = ["get", "patch"] },
        ];
    }

    private static V1ObjectMeta Metadata(BuildContext context) => new()
    {
        Name = ResourceNames.Router(context.Chat),
        NamespaceProperty = context.Namespace,
        Labels = Labels.For(context.Chat, Labels.RouterComponent),
    };
}

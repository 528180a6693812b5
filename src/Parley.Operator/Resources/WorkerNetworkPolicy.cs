// Who may reach the worker: the ChatDeployment's UI pod and router pods, Prometheus (kube-prometheus-stack labels its pods
// app.kubernetes.io/name=prometheus) and the Parley operator (it reads /v1/parley/info), in any namespace for the latter two.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds the worker's NetworkPolicy.</summary>
public static class WorkerNetworkPolicy
{
    public static V1NetworkPolicy? Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Worker.NetworkPolicy != true)
        {
            return null;
        }

        var chat = context.Chat;
        var port = new V1NetworkPolicyPort { Port = "http", Protocol = "TCP" };
        var fromAnyNamespace = new V1LabelSelector();
        return Ownership.Own(new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = new V1ObjectMeta { Name = ResourceNames.Worker(chat), NamespaceProperty = context.Namespace, Labels = Labels.For(chat, Labels.WorkerComponent) },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = Labels.Selector(chat, Labels.WorkerComponent) },
                PolicyTypes = ["Ingress"],
                Ingress =
                [
                    new V1NetworkPolicyIngressRule
                    {
                        FromProperty =
                        [
                            new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = Labels.Selector(chat, Labels.UiComponent) } },
                            new V1NetworkPolicyPeer
                            {
                                NamespaceSelector = fromAnyNamespace,
                                PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [Labels.Name] = "prometheus" } },
                            },
                            new V1NetworkPolicyPeer
                            {
                                NamespaceSelector = fromAnyNamespace,
                                PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [Labels.Name] = Labels.OperatorAppName } },
                            },
                            // The router forwards every request when routing is on; unrelated pods get no way in.
                            .. Router(context),
                        ],
                        Ports = [port],
                    },
                ],
            },
        }, chat);
    }

    private static V1NetworkPolicyPeer[] Router(BuildContext context) => context.IsRoutingEnabled
        ? [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = Labels.Selector(context.Chat, Labels.RouterComponent) } }]
        : [];
}

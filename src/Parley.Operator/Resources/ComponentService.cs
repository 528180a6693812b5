// The ClusterIP Service shape every Parley component shares: one port named http, targeting the container port of the
// same name, selecting the ChatDeployment's pods of one component.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds a ClusterIP Service in front of one component's pods.</summary>
internal static class ComponentService
{
    public static V1Service Build(BuildContext context, string name, string component, int port)
    {
        var chat = context.Chat;
        return Ownership.Own(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = context.Namespace, Labels = Labels.For(chat, component) },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = Labels.Selector(chat, component),
                Ports = [new V1ServicePort { Name = "http", Port = port, TargetPort = "http", Protocol = "TCP" }],
            },
        }, chat);
    }
}

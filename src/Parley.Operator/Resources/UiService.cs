// The UI's Service and optional Ingress.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds how the UI is reached.</summary>
public static class UiService
{
    public static V1Service? Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsUiEnabled)
        {
            return null;
        }

        var service = context.Ui.Service!;
        return Ownership.Own(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = ResourceNames.Ui(context.Chat), NamespaceProperty = context.Namespace, Labels = Labels.For(context.Chat, Labels.UiComponent) },
            Spec = new V1ServiceSpec
            {
                Type = service.Type!.Value.ToString(),
                Selector = Labels.Selector(context.Chat, Labels.UiComponent),
                Ports = [new V1ServicePort { Name = "http", Port = service.Port!.Value, TargetPort = "http", Protocol = "TCP" }],
            },
        }, context.Chat);
    }

    public static V1Ingress? Ingress(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsUiEnabled || context.Ui.Ingress is not { Enabled: true, Host: { } host } ingress)
        {
            return null;
        }

        return Ownership.Own(new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = new V1ObjectMeta
            {
                Name = ResourceNames.Ui(context.Chat),
                NamespaceProperty = context.Namespace,
                Labels = Labels.For(context.Chat, Labels.UiComponent),
                Annotations = ingress.Annotations is { Count: > 0 } annotations ? new Dictionary<string, string>(annotations) : null,
            },
            Spec = new V1IngressSpec
            {
                IngressClassName = ingress.ClassName,
                Tls = ingress.TlsSecretName is { } tls ? [new V1IngressTLS { Hosts = [host], SecretName = tls }] : null,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = "/",
                                    PathType = "Prefix",
                                    Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = ResourceNames.Ui(context.Chat), Port = new V1ServiceBackendPort { Name = "http" } } },
                                },
                            ],
                        },
                    },
                ],
            },
        }, context.Chat);
    }

    /// <summary>The URL people open: the Ingress host when there is one, else the in-cluster Service.</summary>
    public static string? Url(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsUiEnabled)
        {
            return null;
        }

        return context.Ui.Ingress is { Enabled: true, Host: { } host } ingress
            ? $"{(ingress.TlsSecretName is null ? "http" : "https")}://{host}/"
            : $"http://{ResourceNames.Ui(context.Chat)}.{context.Namespace}.svc:{context.Ui.Service!.Port}/";
    }
}

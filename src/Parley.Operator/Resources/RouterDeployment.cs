// The router Deployment: the OpenAI API in front of the workers, holding requests while none is ready. It reads the
// worker EndpointSlices and sets the wake annotation on its ChatDeployment, so it runs as its own ServiceAccount
// (RouterRbac) with exactly that access, and takes the worker's API key from the same Secret the worker does.
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Resources;

/// <summary>Builds the router's Deployment.</summary>
public static class RouterDeployment
{
    // Long enough for streams in flight to finish after SIGTERM stops admission, like the worker's.
    private const long TerminationGracePeriodSeconds = 60;

    public static V1Deployment? Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsRoutingEnabled)
        {
            return null;
        }

        var chat = context.Chat;
        return Ownership.Own(new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = ResourceNames.Router(chat), NamespaceProperty = context.Namespace, Labels = Labels.For(chat, Labels.RouterComponent) },
            Spec = new V1DeploymentSpec
            {
                Replicas = context.Router.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Labels.Selector(chat, Labels.RouterComponent) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels.For(chat, Labels.RouterComponent), Annotations = Credentials.PodAnnotations(context) },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = ResourceNames.Router(chat),
                        // The router talks to the API server (EndpointSlices, the wake annotation) with its token.
                        AutomountServiceAccountToken = true,
                        TerminationGracePeriodSeconds = TerminationGracePeriodSeconds,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = 1000,
                            RunAsGroup = 1000,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        Containers = [Container(context)],
                    },
                },
            },
        }, chat);
    }

    private static V1Container Container(BuildContext context) => new()
    {
        Name = "router",
        Image = context.Router.Image ?? context.Defaults.RouterImage,
        Args = RouterArgs.Build(context),
        Env = [new V1EnvVar { Name = OperatorEnvironment.ApiKey, ValueFrom = new V1EnvVarSource { SecretKeyRef = Credentials.ApiKeyReference(context) } }],
        Ports = [new V1ContainerPort { Name = "http", ContainerPort = RouterArgs.Port, Protocol = "TCP" }],
        Resources = context.Router.Resources ?? new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
        },
        ReadinessProbe = HttpProbes.Get("/health", periodSeconds: 5, failureThreshold: 3),
        LivenessProbe = HttpProbes.Get("/health", periodSeconds: 15, failureThreshold: 4),
        SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        },
    };
}

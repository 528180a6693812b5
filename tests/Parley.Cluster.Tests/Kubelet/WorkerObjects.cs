// A worker Deployment and its Service as the operator renders them, reduced to what the kubelet stand-in reads: the
// component label, the worker's vLLM-style arguments (the built-in demo model), an API key from a Secret.
using System.Text;
using k8s.Models;
using Parley.LocalCluster.Api;

namespace Parley.Cluster.Tests.Kubelet;

internal static class WorkerObjects
{
    public const string Namespace = "default";
    public const string Name = "chat-worker";
    public const string ApiKey = "local-key";

    public static void Create(ObjectStore store, int replicas)
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/component"] = "worker", ["app.kubernetes.io/instance"] = "chat" };
        store.Upsert(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "chat-api-key", NamespaceProperty = Namespace },
            Data = new Dictionary<string, byte[]> { ["api-key"] = Encoding.UTF8.GetBytes(ApiKey) },
        });
        store.Upsert(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace },
            Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Name = "http", Port = 8000, TargetPort = "http" }] },
        });
        store.Upsert(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        TerminationGracePeriodSeconds = 5,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "worker",
                                Image = "ghcr.io/parley-dev/parley-worker:test",
                                Args = ["--model", "demo", "--served-model-name", "demo", "--max-model-len", "256", "--max-num-seqs", "4", "--host", "0.0.0.0", "--port", "8000"],
                                Env = [new V1EnvVar { Name = "VLLM_API_KEY", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "chat-api-key", Key = "api-key" } } }],
                            },
                        ],
                    },
                },
            },
        });
    }

    public static void Scale(ObjectStore store, int replicas) =>
        store.Update("deployments.apps", Namespace, Name, deployment => deployment["spec"]!["replicas"] = replicas);
}

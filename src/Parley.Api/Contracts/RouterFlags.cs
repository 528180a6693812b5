// The router command-line flags the operator renders into router pods, spelled once for both sides. A contract test
// parses every argument list the operator can render with the router's own command line.
namespace Parley.Api.Contracts;

/// <summary>Flag names of the router's command line.</summary>
public static class RouterFlags
{
    /// <summary>The port the router serves the OpenAI API, /health and /metrics on.</summary>
    public const string Port = "--port";

    /// <summary>The ChatDeployment's namespace: where the worker EndpointSlices live.</summary>
    public const string Namespace = "--namespace";

    /// <summary>The ChatDeployment the router fronts; its wake annotation is set when a request waits at zero replicas.</summary>
    public const string ChatDeployment = "--chat-deployment";

    /// <summary>The worker Service whose EndpointSlices (label <c>kubernetes.io/service-name</c>) are the backends.</summary>
    public const string WorkerService = "--worker-service";

    /// <summary>A fixed backend base URL (repeatable) instead of EndpointSlice discovery: local runs and benchmarks.</summary>
    public const string Backend = "--backend";

    /// <summary>The Kubernetes API URL when not running in a pod (local mode); in a pod the service account is used.</summary>
    public const string KubeApi = "--kube-api";

    /// <summary>How many requests may wait while no replica is ready; beyond it 503 with Retry-After.</summary>
    public const string HoldQueueSize = "--hold-queue-size";

    /// <summary>How long a request may wait for a ready replica (seconds); then 503 with Retry-After.</summary>
    public const string HoldTimeout = "--hold-timeout";

    /// <summary>Seconds a stream may stay silent before the router ends it; 0 (the default) never ends a stream.</summary>
    public const string StreamIdleTimeout = "--stream-idle-timeout";

    /// <summary>The load-per-replica bound of consistent hashing, as a factor of the mean in-flight count (e.g. 1.25).</summary>
    public const string AffinityLoadFactor = "--affinity-load-factor";

    /// <summary><c>affinity</c> (default) or <c>round-robin</c>; the second exists for comparisons.</summary>
    public const string Policy = "--policy";

    /// <summary>The port the router serves on unless told otherwise, and the one the ChatDeployment's API Service targets.</summary>
    public const int DefaultPort = 8000;
}

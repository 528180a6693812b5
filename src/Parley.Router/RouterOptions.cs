// The router's settings, read from its command line (Cli/RouterCommand.cs) or built by tests and benchmarks. Fixed
// --backend URLs and EndpointSlice discovery exclude each other: with fixed backends there is nothing to discover and
// no ChatDeployment to wake.
using Parley.Api.Contracts;
using Parley.Router.Routing;

namespace Parley.Router;

/// <summary>Everything the router needs to serve one ChatDeployment.</summary>
public sealed record RouterOptions
{
    /// <summary>The address Kestrel binds; <c>*</c> in a pod, 127.0.0.1 in tests.</summary>
    public string Host { get; init; } = "*";

    public int Port { get; init; } = RouterFlags.DefaultPort;

    public string? Namespace { get; init; }

    public string? ChatDeployment { get; init; }

    public string? WorkerService { get; init; }

    /// <summary>Fixed worker base URLs; empty means EndpointSlice discovery.</summary>
    public IReadOnlyList<Uri> Backends { get; init; } = [];

    /// <summary>The Kubernetes API to use without credentials (local mode, tests); null in a pod (service account).</summary>
    public Uri? KubeApi { get; init; }

    public int HoldQueueSize { get; init; } = 256;

    public TimeSpan HoldTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Zero: a stream may stay silent forever.</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.Zero;

    public double AffinityLoadFactor { get; init; } = 1.25;

    public RoutingPolicy Policy { get; init; } = RoutingPolicy.Affinity;

    /// <summary>The API key clients must send on /v1/*, /tokenize, /detokenize and /invocations; null for none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Whether backends come from EndpointSlices (and held requests wake the ChatDeployment).</summary>
    public bool DiscoversBackends => Backends.Count == 0;

    /// <summary>The longest wait a timer takes (int.MaxValue milliseconds is 24.8 days).</summary>
    public static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(24);

    /// <summary>A sentence naming what is wrong, or null when the options can be served.</summary>
    public string? Validate() => this switch
    {
        { Port: < 1 or > 65535 } => $"{RouterFlags.Port} must be between 1 and 65535.",
        { HoldQueueSize: < 0 } => $"{RouterFlags.HoldQueueSize} must be 0 or more.",
        _ when HoldTimeout < TimeSpan.Zero || HoldTimeout > LongestTimeout => $"{RouterFlags.HoldTimeout} must be between 0 and {LongestTimeout.TotalSeconds:0} seconds.",
        _ when StreamIdleTimeout < TimeSpan.Zero || StreamIdleTimeout > LongestTimeout => $"{RouterFlags.StreamIdleTimeout} must be between 0 and {LongestTimeout.TotalSeconds:0} seconds.",
        { AffinityLoadFactor: < 1 } => $"{RouterFlags.AffinityLoadFactor} must be at least 1 (1 allows no replica above the mean).",
        { DiscoversBackends: true, Namespace: null or "" } => $"{RouterFlags.Namespace} is required without {RouterFlags.Backend}.",
        { DiscoversBackends: true, WorkerService: null or "" } => $"{RouterFlags.WorkerService} is required without {RouterFlags.Backend}.",
        { DiscoversBackends: true, ChatDeployment: null or "" } => $"{RouterFlags.ChatDeployment} is required without {RouterFlags.Backend}.",
        _ when Backends.Any(b => b.Scheme != Uri.UriSchemeHttp && b.Scheme != Uri.UriSchemeHttps) => $"{RouterFlags.Backend} takes http:// or https:// URLs.",
        _ => null,
    };
}

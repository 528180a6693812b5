// The router's load report at GET /v1/parley/router/load: what the operator's autoscaler reads on each interval.
// The router scrapes each ready worker's vLLM metrics, so the operator talks to one address per ChatDeployment.
using System.Text.Json.Serialization;

namespace Parley.Api.Contracts;

/// <summary>Requests held and in flight at the router, and each backend's load.</summary>
public sealed record RouterLoad
{
    /// <summary>The path the router serves this at (behind the API key, like every <c>/v1</c> path).</summary>
    public const string Path = "/v1/parley/router/load";

    /// <summary>Requests waiting for a ready replica.</summary>
    [JsonPropertyName("held")]
    public required int Held { get; init; }

    /// <summary>How long the oldest held request has waited, in seconds; 0 when none waits.</summary>
    [JsonPropertyName("oldest_held_seconds")]
    public double OldestHeldSeconds { get; init; }

    /// <summary>Requests proxied to a worker and not finished.</summary>
    [JsonPropertyName("in_flight")]
    public required int InFlight { get; init; }

    /// <summary>When the last request arrived (UTC), or null when none has since the router started.</summary>
    [JsonPropertyName("last_request_at")]
    public DateTimeOffset? LastRequestAt { get; init; }

    /// <summary>When the last request proxied to a worker finished (UTC), or null when none has. The idle time before
    /// scaling to zero counts from the later of this and <see cref="LastRequestAt"/>, so a request that outlasts the idle
    /// limit (a slow cold start, a long answer) does not let its replica go the moment it ends.</summary>
    [JsonPropertyName("last_finished_at")]
    public DateTimeOffset? LastFinishedAt { get; init; }

    /// <summary>Requests received since the router started.</summary>
    [JsonPropertyName("requests_total")]
    public long RequestsTotal { get; init; }

    /// <summary>Every backend the router knows, ready or not.</summary>
    [JsonPropertyName("backends")]
    public IReadOnlyList<BackendLoad> Backends { get; init; } = [];
}

/// <summary>One worker as the router sees it.</summary>
public sealed record BackendLoad
{
    /// <summary><c>host:port</c>.</summary>
    [JsonPropertyName("address")]
    public required string Address { get; init; }

    /// <summary>The pod the EndpointSlice names, when it names one.</summary>
    [JsonPropertyName("pod")]
    public string? Pod { get; init; }

    /// <summary>Ready and not terminating: takes new requests.</summary>
    [JsonPropertyName("ready")]
    public required bool Ready { get; init; }

    /// <summary>Requests the router has in flight to this backend.</summary>
    [JsonPropertyName("in_flight")]
    public required int InFlight { get; init; }

    /// <summary>The worker's <c>vllm:num_requests_running</c> at the last scrape, or null before the first.</summary>
    [JsonPropertyName("num_requests_running")]
    public double? NumRequestsRunning { get; init; }

    /// <summary>The worker's <c>vllm:num_requests_waiting</c> at the last scrape.</summary>
    [JsonPropertyName("num_requests_waiting")]
    public double? NumRequestsWaiting { get; init; }

    /// <summary>The worker's <c>vllm:kv_cache_usage_perc</c> (0 to 1) at the last scrape.</summary>
    [JsonPropertyName("kv_cache_usage")]
    public double? KvCacheUsage { get; init; }
}

// One round's timeline, every moment by this machine's UTC clock (the kubelet stand-in runs in this process, so its
// records share the clock), and the four phases between them:
//   sent -> scaled (worker Deployment spec.replicas 1) -> process started -> pod Ready -> first token at the client
// The first phase is split at the router's wake annotation; the last by the worker's own time to first token (from
// its metrics), what is left of it being routing.
namespace Parley.Cluster.Bench;

/// <summary>A request at zero workers, timed from send to first token, with the warm request after it.</summary>
/// <param name="WokenAt">When the router's wake annotation was seen changed on the ChatDeployment; after
/// <paramref name="ScaledAt"/> when the operator's periodic load reading scaled first.</param>
/// <param name="ScaledAt">When the worker Deployment's spec.replicas was seen at 1: the router's wake annotation, the
/// operator's watch and its write.</param>
/// <param name="ProcessStartedAt">When the kubelet stand-in spawned the worker process (its own record, after its
/// sync loop saw the new replica count).</param>
/// <param name="ReadyAt">When the worker first answered /health with 200 (the kubelet's probe; model loaded).</param>
/// <param name="WorkerFirstToken">The worker's own time to first token for this request, from its metrics.</param>
/// <param name="WarmFirstToken">The same request's time to first token against the worker now warm.</param>
internal sealed record ColdStart(DateTime SentAt, DateTime WokenAt, DateTime ScaledAt, DateTime ProcessStartedAt, DateTime ReadyAt, DateTime FirstTokenAt, TimeSpan WorkerFirstToken, TimeSpan WarmFirstToken)
{
    /// <summary>The phases in order, with the names the table prints.</summary>
    public IReadOnlyList<(string Name, TimeSpan Duration)> Phases =>
    [
        ("scale decision", ScaledAt - SentAt),
        ("  router: wake annotation", WokenAt - SentAt),
        ("  operator: replicas 1", ScaledAt - WokenAt),
        ("pod start", ProcessStartedAt - ScaledAt),
        ("model load", ReadyAt - ProcessStartedAt),
        ("router + prefill", FirstTokenAt - ReadyAt),
        ("  worker's own TTFT", WorkerFirstToken),
        ("  the rest (routing)", FirstTokenAt - ReadyAt - WorkerFirstToken),
        ("total (cold TTFT)", FirstTokenAt - SentAt),
        ("warm TTFT", WarmFirstToken),
    ];
}

// The autoscaling loop, run only by the leader next to the controller's workers (Cli/OperatorHost):
//   every interval, for each autoscaled ChatDeployment in the cache:
//   read the router's load (API Service, API key from the credentials) -> ScaleRecommendation -> Stabilizer
//   -> when the count changes: hand the decision to the reconciler (PendingScaleDecisions) and enqueue the key.
// The reconciler writes the worker Deployment, status.autoscaling and the Event, so there is one writer of each.
using System.Collections.Concurrent;
using System.Text;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Parley.Api;
using Parley.Operator.Reconciliation;
using Parley.Operator.Resources;
using Parley.Operator.Runtime;

namespace Parley.Operator.Autoscaling;

/// <summary>Decides worker replica counts from router load on a fixed interval.</summary>
public sealed partial class Autoscaler(
    ObjectCache<ChatDeployment> chats, OwnedReader reader, RouterLoadClient loads, PendingScaleDecisions pending, Action<string> enqueue,
    TimeProvider clock, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Stabilizer> _stabilizers = new(StringComparer.Ordinal);

    /// <summary>Evaluates every autoscaled ChatDeployment each <paramref name="interval"/> until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await EvaluateAllAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped with the controller.
        }
    }

    /// <summary>One pass over the cache.</summary>
    public async Task EvaluateAllAsync(CancellationToken cancellationToken)
    {
        var autoscaled = chats.List().Where(IsAutoscaled).ToList();
        foreach (var gone in _stabilizers.Keys.Except(autoscaled.Select(ObjectKeys.KeyOf)))
        {
            _stabilizers.TryRemove(gone, out _);
        }

        foreach (var chat in autoscaled)
        {
            try
            {
                await EvaluateAsync(chat, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                LogEvaluationFailed(logger, ObjectKeys.KeyOf(chat), e.Message);
            }
        }
    }

    // Only what the reconciler has started autoscaling (status holds a count) and a valid spec: the reconciler reports the rest.
    private static bool IsAutoscaled(ChatDeployment chat) =>
        !chat.IsBeingDeleted && chat.Spec?.Worker?.Autoscaling is not null && chat.Status?.Autoscaling?.DesiredReplicas is not null
        && Validation.Validate(chat).Count == 0;

    private async Task EvaluateAsync(ChatDeployment chat, CancellationToken cancellationToken)
    {
        var key = ObjectKeys.KeyOf(chat);
        var spec = Defaults.Apply(chat.Spec);
        var ns = ResourceNames.Namespace(chat);
        var apiKey = await ApiKeyAsync(chat, spec.Worker!.ApiKeySecretRef, cancellationToken).ConfigureAwait(false);
        if (await loads.ReadAsync(ns, ResourceNames.Api(chat), apiKey, cancellationToken).ConfigureAwait(false) is not { } report)
        {
            LogNoReading(logger, key);
            return;
        }

        var now = clock.GetUtcNow();
        var status = chat.Status!.Autoscaling!;
        var current = status.DesiredReplicas!.Value;
        var settings = AutoscalingSettings.From(spec.Worker.Autoscaling!, chat.Status.Tuning?.MaxNumSeqs ?? 1);
        var load = LoadSample.From(report);
        var lastActivity = LoadSample.Later(load.LastActivityAt, status.LastScaleTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null) ?? now;
        var recommendation = ScaleRecommendation.For(settings, current, load, lastActivity, now);
        var decision = _stabilizers.GetOrAdd(key, _ => new Stabilizer(current, now)).Decide(settings, current, recommendation, now);
        if (decision.IsChange)
        {
            pending.Offer(key, decision, status.LastScaleTime);
            enqueue(key);
        }
    }

    private async Task<string?> ApiKeyAsync(ChatDeployment chat, V1SecretKeySelector? userKey, CancellationToken cancellationToken)
    {
        var ns = ResourceNames.Namespace(chat);
        var secret = userKey is null
            ? await reader.GetAsync<V1Secret>(ns, ResourceNames.Credentials(chat), cancellationToken).ConfigureAwait(false)
            : await reader.Api.GetAsync<V1Secret>(ns, userKey.Name, cancellationToken).ConfigureAwait(false);
        var keyName = userKey?.Key ?? Credentials.ApiKeyKey;
        return secret?.Data?.TryGetValue(keyName, out var bytes) == true ? Encoding.UTF8.GetString(bytes).Trim() : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No load report from the router of {Key}; keeping its replica count")]
    private static partial void LogNoReading(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Autoscaling {Key} failed: {Reason}")]
    private static partial void LogEvaluationFailed(ILogger logger, string key, string reason);
}

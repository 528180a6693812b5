// One ChatDeployment, level-based and idempotent:
//   read -> deletion (finalizer) -> validate -> defaults and node inventory, once -> plan -> step down after GPU OOM ->
//   autoscaling state (the loop's decision, a wake request) -> build the desired objects -> create or update only what
//   differs -> delete what is no longer wanted -> compute status once (a pure function of the gathered inputs) -> write
//   it only when it changed -> record the decisions as Events.
// A spec the types could not read, or whose objects the API server rejects, ends as Ready=False with the reason and an
// Event; a ChatDeployment deleted while it was being reconciled ends quietly.
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Api.Status;
using Parley.Operator.Autoscaling;
using Parley.Operator.Kinds;
using Parley.Operator.Planning;
using Parley.Operator.Resources;
using Parley.Operator.Runtime;
using Parley.Operator.Status;
using Parley.Tuning;

namespace Parley.Operator.Reconciliation;

/// <summary>Reconciles ChatDeployments.</summary>
public sealed class ChatDeploymentReconciler(
    ObjectCache<ChatDeployment> chats, DecodeFailures decodeFailures, ObjectCache<V1Node> nodes, OwnedReader reader, WorkerInfoClient workerInfo, OperatorDefaults defaults, TimeProvider clock,
    ApplyLog applyLog, PendingScaleDecisions? scaleDecisions = null) : IReconciler
{
    /// <summary>How soon to look again at a ChatDeployment that is still rolling out.</summary>
    public static readonly TimeSpan RolloutRecheck = TimeSpan.FromSeconds(30);

    private readonly ClusterApi _api = reader.Api;
    private readonly Applier _applier = new(reader, applyLog);
    private readonly EventRecorder _events = new(reader.Api, clock);
    private readonly Finalizer _finalizer = new(reader.Api, new Applier(reader, applyLog));

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var chat = chats.Get(key);
        if (chat is null)
        {
            return ReconcileResult.Done; // Gone; owner references let the garbage collector remove its children.
        }

        try
        {
            return await ReconcileAsync(chat, cancellationToken).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e) when (ApiErrors.IsChatGone(e, chat))
        {
            return ReconcileResult.Done; // Deleted after the cache was read; its watch event says so next.
        }
        catch (k8s.Autorest.HttpOperationException e) when (ApiErrors.IsChatConflict(e, chat))
        {
            return ReconcileResult.After(TimeSpan.Zero); // Changed after the cache was read: again, from the newer version.
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Is(System.Net.HttpStatusCode.Conflict))
        {
            // An owned object's cache was behind the API server (AlreadyExists on create, Conflict on update): again once
            // its watch has caught up, with the key's growing backoff.
            return ReconcileResult.Backoff;
        }
    }

    private async Task<ReconcileResult> ReconcileAsync(ChatDeployment chat, CancellationToken cancellationToken)
    {
        if (chat.IsBeingDeleted)
        {
            await _finalizer.RunAsync(chat, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (decodeFailures.Of(chat) is { } unreadable)
        {
            // Only metadata and status were read: report, and wait for the spec to change.
            await BlockAsync(chat, ConditionReasons.InvalidSpec, unreadable, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        chat = await _finalizer.EnsureAsync(chat, cancellationToken).ConfigureAwait(false);
        if (Validation.Validate(chat) is { Count: > 0 } errors)
        {
            var message = string.Join(" ", errors.Select(error => error.ToString()));
            await BlockAsync(chat, ConditionReasons.InvalidSpec, message, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        // Defaults and the node inventory once per reconcile; every later step reads these.
        var spec = Defaults.Apply(chat.Spec);
        var inventory = NodeInventory.Read(nodes.List());
        var result = SharedPlanning.IsShared(chat)
            ? SharedPlanning.PlanFor(chat, chats.List(), nodes.List(), reader.ListEverywhere<V1Pod>(Labels.AnyWorker))
            : Planner.Plan(spec, inventory);
        if (result.Refusal is { } refusal)
        {
            await BlockAsync(chat, refusal.Reason, refusal.Message, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done; // Node changes enqueue every ChatDeployment again.
        }

        var pods = reader.List<V1Pod>(chat.Metadata.NamespaceProperty, Labels.Selector(chat, Labels.WorkerComponent));
        var (plan, stepDown) = StepDown.Replan(spec, inventory, result.Plan!, StepDownState.From(chat.Status, pods));
        var (autoscaling, scaled) = Autoscale(chat, spec, plan);
        var context = new BuildContext(chat, spec, plan, defaults) { AutoscaledReplicas = autoscaling?.DesiredReplicas };
        Observed observed;
        string? apiKey;
        try
        {
            (observed, apiKey) = await ApplyAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e) when (ApiErrors.IsRejected(e))
        {
            await BlockAsync(chat, ConditionReasons.ApplyFailed, $"The API server rejected an object built from the spec: {ApiErrors.MessageOf(e)}",
                cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Backoff;
        }

        var report = Observed.IsAvailable(observed.Worker) ? await workerInfo.ReadAsync(pods, apiKey, cancellationToken).ConfigureAwait(false) : null;
        var inputs = new StatusInputs(context, observed, stepDown, report, clock.GetUtcNow().UtcDateTime)
        {
            Autoscaling = autoscaling,
            // A Shared worker is pinned by node name; its node's product label may carry -SHARED or name the whole MIG GPU.
            GpuMismatch = plan.Share is null ? GpuPlacement.Mismatch(pods, node => nodes.Get(node), plan.Gpu.Product) : null,
        };
        var status = StatusComputer.Compute(inputs);
        await WriteStatusAndRecordAsync(chat, status, cancellationToken).ConfigureAwait(false);
        if (scaled is not null)
        {
            await _events.NormalAsync(chat, ScaleDecision.ReasonFor(scaled.Current, scaled.Desired), scaled.Sentence, cancellationToken).ConfigureAwait(false);
        }

        return status.Phase == Phases.Ready ? ReconcileResult.Done : ReconcileResult.After(RolloutRecheck);
    }

    /// <summary>The autoscaling state this reconcile applies and the scaling it decided, if any; nulls without autoscaling.</summary>
    private (AutoscalingStatus? State, ScaleDecision? Change) Autoscale(ChatDeployment chat, ChatDeploymentSpec spec, TuningPlan plan)
    {
        var pending = scaleDecisions?.Take(ObjectKeys.KeyOf(chat), chat.Status?.Autoscaling?.LastScaleTime);
        if (spec.Worker?.Autoscaling is not { } autoscaling)
        {
            return (null, null);
        }

        var settings = AutoscalingSettings.From(autoscaling, plan.MaxNumSeqs);
        return AutoscaleState.Next(chat, settings, pending, clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>Applies the desired objects; returns the Deployments as they now are and the worker's API key.</summary>
    private async Task<(Observed Observed, string? ApiKey)> ApplyAsync(BuildContext context, CancellationToken cancellationToken)
    {
        var chat = context.Chat;
        var existingCredentials = await reader.GetAsync<V1Secret>(context.Namespace, ResourceNames.Credentials(chat), cancellationToken).ConfigureAwait(false);
        // A user-named key Secret is not in the label-selected cache: read by name, before building, so its checksum
        // goes on the pod templates and a changed key rolls the worker and the UI out.
        var keyRef = Credentials.ApiKeyReference(context);
        var userKeySecret = context.Worker.ApiKeySecretRef is null
            ? null
            : await _api.GetAsync<V1Secret>(context.Namespace, keyRef.Name, cancellationToken).ConfigureAwait(false);
        var desired = Desired.For(context, existingCredentials, Credentials.NewKey, userKeySecret);
        var applied = new List<AppliedObject>();
        foreach (var obj in desired)
        {
            applied.Add(await ApplyOneAsync(obj, cancellationToken).ConfigureAwait(false));
        }

        await OwnedObjects.DeleteAllAsync(_applier, chat, desired, cancellationToken).ConfigureAwait(false);
        V1Deployment? Deployment(string name) => applied.FirstOrDefault(a => a.Kind == "Deployment" && a.Name == name)?.Current as V1Deployment;
        var apiKey = Credentials.ApiKeyOf(context, applied.FirstOrDefault(a => a.Kind == "Secret")?.Current as V1Secret, userKeySecret);
        return (new Observed(Deployment(ResourceNames.Worker(chat)), Deployment(ResourceNames.Ui(chat)), Deployment(ResourceNames.Router(chat))), apiKey);
    }

    private Task<AppliedObject> ApplyOneAsync(k8s.IKubernetesObject<V1ObjectMeta> obj, CancellationToken cancellationToken) =>
        OwnedKinds.Of(obj).ApplyAsync(_applier, obj, cancellationToken);

    private async Task BlockAsync(ChatDeployment chat, string reason, string message, CancellationToken cancellationToken)
    {
        var status = StatusComputer.Blocked(chat, reason, message, clock.GetUtcNow().UtcDateTime);
        await WriteStatusAndRecordAsync(chat, status, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the status when it changed, then the Events its change deserves. Events come second so that a
    /// status write lost to a conflict (and retried) does not record the same decision twice.</summary>
    private async Task WriteStatusAndRecordAsync(ChatDeployment chat, ChatDeploymentStatus status, CancellationToken cancellationToken)
    {
        if (chat.Status is not null && JsonNode.DeepEquals(Manifests.ToJson(chat.Status), Manifests.ToJson(status)))
        {
            return;
        }

        var updated = Manifests.FromJson<ChatDeployment>(Manifests.ToJson(chat));
        updated.Status = status;
        await _api.ReplaceStatusAsync(updated, cancellationToken).ConfigureAwait(false);
        foreach (var (isWarning, reason, message) in Decisions.Between(chat.Status, status))
        {
            await (isWarning
                ? _events.WarningAsync(chat, reason, message, cancellationToken)
                : _events.NormalAsync(chat, reason, message, cancellationToken)).ConfigureAwait(false);
        }
    }

}

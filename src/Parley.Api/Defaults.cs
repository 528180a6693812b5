// Defaults that make a three-line ChatDeployment useful. Applied in one place so every consumer sees the same values.
using k8s;
using k8s.Models;
using Parley.Api.Spec;

namespace Parley.Api;

/// <summary>The defaults of every optional ChatDeployment field.</summary>
public static class Defaults
{
    public const string Revision = "main";

    /// <summary>Four full-length conversations at once: enough for a small team on one GPU, while a 12 GB card still
    /// gets tens of thousands of tokens of context for a 1.5B model.</summary>
    public const int TargetConcurrency = 4;

    public const string UiStorageSize = "2Gi";

    /// <summary>Requests the router holds while no worker is ready before it answers 503.</summary>
    public const int HoldQueueSize = 100;

    /// <summary>How long a held request waits: a worker scaled from zero downloads nothing (the cache keeps the model)
    /// but still loads it, which takes minutes for a large model on a cold node.</summary>
    public const string HoldTimeout = "5m";

    /// <summary>Scale up above this KV-cache usage: vLLM starts preempting near a full cache.</summary>
    public const double KvCacheUsageHigh = 0.9;

    /// <summary>The HPA's default scale-down stabilization window.</summary>
    public const string ScaleDownDelay = "5m";

    /// <summary>Idle time before scaling to zero: long enough that a conversation's pauses do not cost a model load.</summary>
    public const string ScaleToZeroAfter = "15m";
    public const int UiServicePort = 80;

    /// <summary>Returns a copy of <paramref name="spec"/> with every unset optional field filled in; the input is not changed.</summary>
    public static ChatDeploymentSpec Apply(ChatDeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var copy = KubernetesJson.Deserialize<ChatDeploymentSpec>(KubernetesJson.Serialize(spec));
        ApplyModel(copy.Model);
        copy.Worker = ApplyWorker(copy.Worker ?? new WorkerSpec());
        ApplyLora(copy.Model, copy.Worker.Tuning!);
        copy.Router = ApplyRouter(copy.Router ?? new RouterSpec(), copy.Worker);
        copy.Ui = ApplyUi(copy.Ui ?? new UiSpec());
        copy.Monitoring ??= new MonitoringSpec();
        copy.Monitoring.ServiceMonitor ??= ServiceMonitorMode.Auto;
        return copy;
    }

    private static void ApplyModel(ModelSpec model)
    {
        model.Revision ??= Revision;
        model.Dtype ??= ModelDtype.Auto;
        model.Quantization ??= Quantization.Auto;
        model.ReasoningParser ??= ReasoningParser.Auto;
        if (model.ServedName is null && ModelSource.TryParse(model.Source, out var source))
        {
            model.ServedName = source.DefaultServedName;
        }
    }

    private static WorkerSpec ApplyWorker(WorkerSpec worker)
    {
        worker.Gpu ??= new GpuSpec();
        worker.Gpu.Count ??= "auto";
        worker.Tuning ??= new TuningSpec();
        worker.Tuning.Mode ??= TuningMode.Auto;
        worker.Tuning.TargetConcurrency ??= TargetConcurrency;
        worker.NetworkPolicy ??= true;
        if (worker.Autoscaling is { } autoscaling)
        {
            autoscaling.MinReplicas ??= 1;
            autoscaling.KvCacheUsageHigh ??= KvCacheUsageHigh;
            autoscaling.ScaleDownDelay ??= ScaleDownDelay;
            if (autoscaling.MinReplicas == 0)
            {
                autoscaling.ScaleToZeroAfter ??= ScaleToZeroAfter;
            }
        }

        return worker;
    }

    // Only with adapters: without them the worker runs with LoRA off and these would mean nothing.
    private static void ApplyLora(ModelSpec model, TuningSpec tuning)
    {
        if (LoraAdapters.HasAdapters(model))
        {
            tuning.MaxLoraRank ??= LoraAdapters.DefaultMaxRank;
            tuning.MaxLoras ??= LoraAdapters.DefaultMaxLoras(model.Adapters!.Count);
        }
    }

    private static RouterSpec ApplyRouter(RouterSpec router, WorkerSpec worker)
    {
        // Routing pays off once there is more than one worker to choose from, and autoscaling cannot work without it.
        router.Enabled ??= worker.Autoscaling is not null || worker.Replicas > 1;
        router.Replicas ??= 1;
        router.HoldQueueSize ??= HoldQueueSize;
        router.HoldTimeout ??= HoldTimeout;
        return router;
    }

    private static UiSpec ApplyUi(UiSpec ui)
    {
        ui.Enabled ??= true;
        ui.Auth ??= true;
        ui.Persistence ??= new UiPersistenceSpec();
        ui.Persistence.Size ??= UiStorageSize;
        ui.Persistence.RetainOnDelete ??= true;
        ui.Service ??= new UiServiceSpec();
        ui.Service.Type ??= UiServiceType.ClusterIP;
        ui.Service.Port ??= UiServicePort;
        ui.Ingress ??= new UiIngressSpec();
        ui.Ingress.Enabled ??= false;
        return ui;
    }

    /// <summary>The GPU count as a number: <c>auto</c> is 1 while tensor parallelism is unsupported.</summary>
    public static int GpuCount(IntOrString? count) =>
        count?.Value is { } text && int.TryParse(text, out var n) ? n : 1;
}

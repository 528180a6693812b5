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
    public const int UiServicePort = 80;

    /// <summary>Returns a copy of <paramref name="spec"/> with every unset optional field filled in; the input is not changed.</summary>
    public static ChatDeploymentSpec Apply(ChatDeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var copy = KubernetesJson.Deserialize<ChatDeploymentSpec>(KubernetesJson.Serialize(spec));
        ApplyModel(copy.Model);
        copy.Worker = ApplyWorker(copy.Worker ?? new WorkerSpec());
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
        return worker;
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

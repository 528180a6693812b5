// `parley-operator plan`: what the operator would choose for a model on a GPU, without a cluster.
using System.CommandLine;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Tuning;
using Parley.Tuning.Catalog;

namespace Parley.Operator.Cli;

/// <summary>The plan command.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var model = new Option<string[]>("--model") { Description = "Model id (org/name), as in spec.model.source; repeat it with --shared.", Required = true };
        var gpu = new Option<string>("--gpu") { Description = "GPU product label (NVIDIA-L4) or alias (l4, rtx-3060-12gb, h100).", Required = true };
        var concurrency = new Option<int?>("--target-concurrency") { Description = "Full-length conversations the KV cache must hold at once." };
        var quantization = new Option<Quantization?>("--quantization") { Description = "gptq plans the model's GPTQ-int4 checkpoint." };
        var maxModelLen = new Option<int?>("--max-model-len") { Description = "Pin the context length instead of deriving it." };
        var utilization = new Option<double?>("--gpu-memory-utilization") { Description = "Pin the memory fraction instead of deriving it." };
        var shared = new Option<bool>("--shared") { Description = "Plan the models together on one GPU, as Shared ChatDeployments." };
        var sharing = new Option<string>("--sharing") { Description = "With --shared: how the GPU is offered: time-slicing, mps or exclusive (one model per device).", DefaultValueFactory = _ => "time-slicing" };
        sharing.AcceptOnlyFromAmong("time-slicing", "mps", "exclusive");
        var gpuCount = new Option<int>("--gpu-count") { Description = "With --shared: how many such devices (e.g. MIG slices) the node has.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "table, json or yaml.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "yaml");
        var command = new Command("plan", "Show the tuning plan for a model on a GPU.") { model, gpu, concurrency, quantization, maxModelLen, utilization, shared, sharing, gpuCount, output };
        command.SetAction(result =>
        {
            var config = result.InvocationConfiguration;
            var models = result.GetValue(model)!;
            if (result.GetValue(shared))
            {
                var device = new SharedPlanCommand.Device(result.GetValue(gpu)!, result.GetValue(sharing)!, result.GetValue(gpuCount));
                var specs = models.Select(source => Spec(source, result.GetValue(quantization), result.GetValue(concurrency), result.GetValue(maxModelLen), null)).ToList();
                return SharedPlanCommand.Run(specs, device, result.GetValue(output)!, config.Output, config.Error);
            }

            if (models.Length != 1)
            {
                config.Error.WriteLine("Several --model options plan models together: add --shared.");
                return ParleyCli.InvalidInput;
            }

            var spec = Spec(models[0], result.GetValue(quantization), result.GetValue(concurrency), result.GetValue(maxModelLen), result.GetValue(utilization));
            return Run(spec, result.GetValue(gpu)!, result.GetValue(output)!, config.Output, config.Error);
        });
        return command;
    }

    private static ChatDeploymentSpec Spec(string source, Quantization? quantization, int? concurrency, int? maxModelLen, double? utilization) =>
        new()
        {
            Model = new ModelSpec { Source = source, Quantization = quantization },
            Worker = new WorkerSpec
            {
                Tuning = new TuningSpec { TargetConcurrency = concurrency, MaxModelLen = maxModelLen, GpuMemoryUtilization = utilization },
            },
        };

    private static int Run(ChatDeploymentSpec spec, string gpuName, string format, TextWriter output, TextWriter error)
    {
        if (GpuCatalog.Find(gpuName) is not { } product)
        {
            error.WriteLine($"Unknown GPU '{gpuName}'. Known: {string.Join(", ", GpuCatalog.All.Select(gpu => gpu.Aliases[0]))}.");
            return ParleyCli.InvalidInput;
        }

        UseGptqCheckpoint(spec.Model, error);
        var result = Planner.Plan(Defaults.Apply(spec), GpuInventory.Of(product));
        if (result.Refusal is { } refusal)
        {
            error.WriteLine(refusal.Message);
            return ParleyCli.Refused;
        }

        var report = PlanReport.From(result.Plan!);
        output.Write(format switch
        {
            "json" => report.ToJson() + "\n",
            "yaml" => YamlJson.WriteDocument(report.ToJsonNode()),
            _ => report.ToTable(),
        });
        return 0;
    }

    /// <summary>`--quantization gptq` on an unquantized catalog model plans its catalog GPTQ-int4 checkpoint instead.</summary>
    internal static void UseGptqCheckpoint(ModelSpec model, TextWriter error)
    {
        if (model.Quantization == Quantization.Gptq && ModelCatalog.Find(model.Source) is { Gptq: null, GptqVariant: { } variant })
        {
            error.WriteLine($"Planning {variant}, the GPTQ-int4 checkpoint of {model.Source}.");
            model.Source = variant;
        }
    }
}

// Refusal messages: what does not fit, by how much, and what would (quantization, a larger GPU, a smaller request).
using Parley.Api.Spec;
using Parley.Tuning.Catalog;

namespace Parley.Tuning;

/// <summary>Builds refusal sentences a person can act on.</summary>
internal static class Refusals
{
    public static string NoCandidates(GpuInventory inventory, GpuSpec? request)
    {
        if (inventory.Classes.Count == 0)
        {
            return $"No schedulable node offers an NVIDIA GPU: nodes need allocatable {GpuInventory.GpuResource} (the NVIDIA device plugin) " +
                $"and the {GpuInventory.ProductLabel} and {GpuInventory.MemoryLabel} labels (GPU Feature Discovery).";
        }

        var available = string.Join(", ", inventory.Classes.Select(gpu => $"{gpu.Product} ({gpu.NominalGiB} GiB)"));
        var asked = request?.Product is { } product ? $"product {product}" : "";
        asked += request?.MinMemoryGiB is { } min ? $"{(asked.Length > 0 ? " with " : "")}at least {min:0.#} GiB" : "";
        return $"No GPU here matches spec.worker.gpu ({asked}); available: {available}. Change spec.worker.gpu or add such a node.";
    }

    public static string NothingFits(PlanAttempt largest, ResolvedModel model, TuningSpec tuning, LoraRequest? lora)
    {
        var (architecture, format) = model;
        var gpu = largest.Gpu;
        var here = $"the largest GPU here ({gpu.DisplayName}, {gpu.NominalGiB} GiB)";
        var advice = Advice(model, tuning, lora, largest);
        var overhead = lora is null
            ? "activations and the CUDA runtime"
            : $"activations, the CUDA runtime and {lora.MaxLoras} LoRA adapter slot(s) at rank {lora.MaxLoraRank} ({Bytes.FormatGiB(largest.AdapterBytes)} of it)";
        var lowerAdapters = lora is null ? "" : ", spec.worker.tuning.maxLoras or maxLoraRank";
        if (largest.WeightsDoNotFit)
        {
            var usable = (long)(largest.Utilization * gpu.MemoryBytes);
            return largest.WeightsBytes >= usable
                ? $"{architecture.ShortName} in {format.Describe()} needs {Bytes.FormatGiB(largest.WeightsBytes)} for weights; {here} cannot hold it. {advice}"
                : $"{architecture.ShortName} in {format.Describe()} needs {Bytes.FormatGiB(largest.WeightsBytes)} for weights and " +
                  $"{Bytes.FormatGiB(largest.OverheadBytes)} for {overhead}; {here} offers {Bytes.FormatGiB(usable)} " +
                  $"at gpuMemoryUtilization {largest.Utilization:0.00}. {advice}";
        }

        var afterAdapters = lora is null ? "" : $" after {Bytes.FormatGiB(largest.AdapterBytes)} for LoRA adapter slots";
        return $"{architecture.ShortName} fits on {here} but its KV cache holds {largest.KvCacheTokens:N0} tokens{afterAdapters}, and " +
            $"{largest.RequiredSequences} sequence(s) of {largest.RequiredContext:N0} tokens need {largest.RequiredTokens:N0}. " +
            $"Lower spec.worker.tuning.targetConcurrency or maxModelLen{lowerAdapters}, or: {advice}";
    }

    private static string Advice(ResolvedModel model, TuningSpec tuning, LoraRequest? lora, PlanAttempt largest)
    {
        var options = new List<string>();
        if (model.Format.Gptq is null && model.Architecture.GptqVariant is { } variantId && ModelCatalog.Find(variantId) is { } variant)
        {
            var weights = Bytes.FormatGiB(WeightSize.Compute(variant, new WeightFormat(variant.TorchDtype, variant.Gptq)).TotalBytes);
            options.Add($"Use quantization: gptq (a GPTQ-int4 checkpoint such as {variant.Id} needs {weights} for weights)");
        }
        else if (model.Format.Gptq is null)
        {
            // No known checkpoint, but the arithmetic is the same for any GPTQ-int4 export of this architecture.
            var weights = Bytes.FormatGiB(WeightSize.Compute(model.Architecture, new WeightFormat(WeightDtype.Float16, new GptqConfig())).TotalBytes);
            options.Add($"Use quantization: gptq with a GPTQ-int4 checkpoint of {model.Architecture.ShortName} (about {weights} for weights; " +
                "none is in Parley's catalog, so set spec.model.source to one, quantization: gptq and spec.model.architecture from its config.json)");
        }

        var larger = GpuCatalog.All
            .Where(gpu => !gpu.IsMig && gpu.MemoryBytes > largest.Gpu.MemoryBytes)
            .OrderBy(gpu => gpu.MemoryBytes)
            .FirstOrDefault(gpu => PlanAttempt.On(new GpuClass(gpu.Label, gpu.DisplayName, gpu.MemoryBytes, gpu.NominalGiB, 1, 1), model, tuning, lora).Plan is not null);
        options.Add(larger is null
            ? "no single GPU Parley knows can hold it, and tensor parallelism is not supported yet"
            : $"a GPU with at least {larger.NominalGiB} GiB (e.g. {larger.DisplayName})");
        var text = string.Join(", or ", options) + ".";
        return char.ToUpperInvariant(text[0]) + text[1..];
    }
}

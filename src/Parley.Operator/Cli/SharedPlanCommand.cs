// `parley-operator plan --model A --model B --gpu rtx-3060-12gb --shared`: the joint plan of Shared models on one node
// holding --gpu-count devices of the product, offered by time-slicing (default), MPS or one model per device.
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Tuning.Catalog;
using Parley.Tuning.Sharing;

namespace Parley.Operator.Cli;

/// <summary>The shared form of the plan command.</summary>
internal static class SharedPlanCommand
{
    /// <summary>The node the CLI imagines: <paramref name="Count"/> devices of a product, offered as <paramref name="Sharing"/>.</summary>
    public sealed record Device(string Gpu, string Sharing, int Count);

    public static int Run(IReadOnlyList<ChatDeploymentSpec> specs, Device device, string format, TextWriter output, TextWriter error)
    {
        if (GpuCatalog.Find(device.Gpu) is not { } product)
        {
            error.WriteLine($"Unknown GPU '{device.Gpu}'. Known: {string.Join(", ", GpuCatalog.All.Select(gpu => gpu.Aliases[0]))}.");
            return ParleyCli.InvalidInput;
        }

        if (device.Count < 1)
        {
            error.WriteLine("--gpu-count must be at least 1.");
            return ParleyCli.InvalidInput;
        }

        foreach (var spec in specs)
        {
            PlanCommand.UseGptqCheckpoint(spec.Model, error);
        }

        // Time-slicing and MPS get one replica per model, the fewest that lets all of them share one device.
        var (mode, slots) = device.Sharing switch
        {
            "exclusive" => (product.IsMig ? GpuSharingMode.Mig : GpuSharingMode.Exclusive, 1),
            "mps" when !product.IsMig => (GpuSharingMode.Mps, Math.Max(2, specs.Count)),
            _ => (product.IsMig ? GpuSharingMode.Mig : GpuSharingMode.TimeSlicing, Math.Max(2, specs.Count)),
        };
        var gpus = Enumerable.Range(0, device.Count).Select(index => PhysicalGpu.Of(product, mode, slots, "node-0", index)).ToList();
        var requests = Names(specs).Select((name, index) => new SharedRequest(name, Defaults.Apply(specs[index]))).ToList();
        var report = SharedPlanReport.From(SharedPlanner.Plan(requests, gpus));

        if (report.Models.Count > 0)
        {
            output.Write(format switch
            {
                "json" => report.ToJson() + "\n",
                "yaml" => YamlJson.WriteDocument(report.ToJsonNode()),
                _ => report.ToTable(),
            });
        }

        foreach (var refusal in report.Refusals.Values)
        {
            error.WriteLine(refusal);
        }

        return report.Refusals.Count == 0 ? 0 : ParleyCli.Refused;
    }

    /// <summary>Each model by its repository name; a model given twice gets -2, -3.</summary>
    private static List<string> Names(IReadOnlyList<ChatDeploymentSpec> specs)
    {
        var names = new List<string>();
        foreach (var spec in specs)
        {
            var name = spec.Model.Source[(spec.Model.Source.LastIndexOf('/') + 1)..];
            var unique = name;
            for (var n = 2; names.Contains(unique); n++)
            {
                unique = $"{name}-{n}";
            }

            names.Add(unique);
        }

        return names;
    }
}

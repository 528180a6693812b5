using Parley.Tuning.Catalog;
using Parley.Tuning.Sharing;
using static Parley.Tuning.Tests.Sharing.SharingTestSpecs;

namespace Parley.Tuning.Tests.Sharing;

/// <summary>Random model sets on random devices: whatever is placed, no device is promised more than it has.</summary>
public class SharedPlannerPropertyTests
{
    /// <summary>Random model sets tried; each has 1-6 requests on 1-4 devices, re-planned once with one request replaced.</summary>
    public const int Cases = 500;

    private static readonly GpuSharingMode[] Modes = [GpuSharingMode.Exclusive, GpuSharingMode.TimeSlicing, GpuSharingMode.Mps, GpuSharingMode.Mig];

    [Fact]
    public void Plan_RandomModelSets_NeverPromiseADeviceMoreThanItsUsableMemory()
    {
        var random = new Random(17); // fixed seed: a failure is reproducible
        var placedCount = 0;
        for (var trial = 0; trial < Cases; trial++)
        {
            var gpus = RandomGpus(random);
            var requests = Enumerable.Range(0, random.Next(1, 7)).Select(i => RandomRequest(random, $"m{i}")).ToList();
            var first = SharedPlanner.Plan(requests, gpus);
            Check(first, requests, gpus, trial);

            requests[random.Next(requests.Count)] = RandomRequest(random, "replacement");
            var second = SharedPlanner.Plan(requests, gpus, first.PlacementMap());
            Check(second, requests, gpus, trial);
            placedCount += first.Assignments.Count + second.Assignments.Count;
        }

        placedCount.Should().BeGreaterThan(Cases, "most random sets must place something, or the property says nothing");
    }

    private static void Check(SharedPlan plan, List<SharedRequest> requests, IReadOnlyList<PhysicalGpu> gpus, int trial)
    {
        var because = $"trial {trial}";
        plan.Assignments.Select(a => a.Name).Concat(plan.Refusals.Keys).Should().BeEquivalentTo(requests.Select(r => r.Name), because);
        foreach (var device in plan.Assignments.GroupBy(a => a.Share.Gpu))
        {
            device.Sum(a => a.Share.ShareBytes).Should().BeLessThanOrEqualTo(device.Key.UsableBytes, because);
            device.Count().Should().BeLessThanOrEqualTo(device.Key.Slots, because);
            gpus.Should().Contain(device.Key, because);
        }

        foreach (var assignment in plan.Assignments)
        {
            var sized = assignment.Plan;
            var parts = sized.WeightsBytes + sized.ActivationPeakBytes + sized.RuntimeReserveBytes + sized.AdapterBytes + sized.KvCacheBytes;
            parts.Should().Be(assignment.Share.ShareBytes, because);
            var concurrency = sized.TargetConcurrency;
            sized.KvCacheTokens.Should().BeGreaterThanOrEqualTo((long)Math.Min(4096, sized.Model.MaxPositionEmbeddings) * concurrency, because);
            sized.MaxModelLen.Should().BeGreaterThanOrEqualTo(Math.Min(4096, sized.Model.MaxPositionEmbeddings), because);
            sized.MaxNumBatchedTokens.Should().BeOneOf(2048, 1024, 512);
        }
    }

    private static List<PhysicalGpu> RandomGpus(Random random)
    {
        var products = GpuCatalog.All;
        return Enumerable.Range(0, random.Next(1, 5)).Select(index =>
        {
            var product = products[random.Next(products.Count)];
            var mode = product.IsMig ? GpuSharingMode.Mig : Modes[random.Next(3)];
            var slots = mode is GpuSharingMode.TimeSlicing or GpuSharingMode.Mps ? random.Next(2, 5) : 1;
            return PhysicalGpu.Of(product, mode, slots, $"node-{index % 2}", index);
        }).ToList();
    }

    private static SharedRequest RandomRequest(Random random, string name)
    {
        var models = ModelCatalog.All;
        return Request(name, models[random.Next(models.Count)].Id, random.Next(1, 9));
    }
}

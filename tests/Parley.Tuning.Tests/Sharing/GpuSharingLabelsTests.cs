using Parley.Tuning.Sharing;

namespace Parley.Tuning.Tests.Sharing;

public class GpuSharingLabelsTests
{
    [Theory]
    [InlineData("time-slicing", "4", null, GpuSharingMode.TimeSlicing, 4)]
    [InlineData("mps", "3", null, GpuSharingMode.Mps, 3)]
    [InlineData("none", "1", null, GpuSharingMode.Exclusive, 1)]
    [InlineData(null, null, null, GpuSharingMode.Exclusive, 1)]
    [InlineData("time-slicing", null, null, GpuSharingMode.Exclusive, 1)]
    [InlineData("time-slicing", "many", null, GpuSharingMode.Exclusive, 1)]
    [InlineData("hami", "4", null, GpuSharingMode.Exclusive, 1)]
    [InlineData(null, null, "single", GpuSharingMode.Mig, 1)]
    [InlineData("time-slicing", "2", "single", GpuSharingMode.Mig, 2)]
    [InlineData("mps", "2", "mixed", GpuSharingMode.Mig, 1)]
    public void Read_Labels_GiveModeAndReplicas(string? strategy, string? replicas, string? mig, GpuSharingMode mode, int expectedReplicas)
    {
        var labels = new Dictionary<string, string>();
        if (strategy is not null) labels[GpuSharingLabels.SharingStrategyLabel] = strategy;
        if (replicas is not null) labels[GpuSharingLabels.ReplicasLabel] = replicas;
        if (mig is not null) labels[GpuSharingLabels.MigStrategyLabel] = mig;

        var sharing = GpuSharingLabels.Read(labels);

        sharing.Mode.Should().Be(mode);
        sharing.Replicas.Should().Be(expectedReplicas);
    }
}

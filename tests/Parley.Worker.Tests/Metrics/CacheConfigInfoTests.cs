using Parley.Worker.Metrics;

namespace Parley.Worker.Tests.Metrics;

public class CacheConfigInfoTests
{
    [Fact]
    public void LabelValues_AreWrittenAsPythonsStrWrites()
    {
        var info = new CacheConfigInfo(16, 1024, 1.0, EnablePrefixCaching: false, KvCacheMemoryBytes: null);

        var labels = CacheConfigInfo.LabelNames.Zip(info.LabelValues()).ToDictionary(pair => pair.First, pair => pair.Second);

        labels.Should().Contain(new Dictionary<string, string>
        {
            ["block_size"] = "16", ["num_gpu_blocks"] = "1024", ["gpu_memory_utilization"] = "1.0", ["enable_prefix_caching"] = "False",
            ["kv_cache_memory_bytes"] = "None", ["num_cpu_blocks"] = "None", ["cache_dtype"] = "auto", ["engine"] = "0",
        });
        CacheConfigInfo.LabelNames.Should().HaveSameCount(info.LabelValues());
    }

    [Theory]
    [InlineData(0.9, "0.9")]
    [InlineData(0.85, "0.85")]
    [InlineData(1.0, "1.0")]
    public void GpuMemoryUtilization_KeepsPythonsDecimalPoint(double value, string expected) =>
        new CacheConfigInfo(16, 1, value, true, 1L << 30).LabelValues()[Array.IndexOf(CacheConfigInfo.LabelNames, "gpu_memory_utilization")].Should().Be(expected);

    [Theory]
    [InlineData(1, new double[] { 1 })]
    [InlineData(100, new double[] { 1, 2, 5, 10, 20, 50, 100 })]
    [InlineData(4096, new double[] { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000 })]
    public void OneTwoFiveBuckets_MatchVllmsBuild125Buckets(int max, double[] expected) =>
        WorkerMetrics.OneTwoFiveBuckets(max).Should().Equal(expected);
}

using Parley.Router.Load;

namespace Parley.Router.Tests.Load;

public class PrometheusTextTests
{
    private const string Exposition = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{model_name="a"} 2
        vllm:num_requests_running{model_name="b"} 3
        vllm:num_requests_running_extra 100
        vllm:num_requests_waiting 4 1700000000000
        vllm:kv_cache_usage_perc{model_name="a",note="x}y"} 0.25
        """;

    [Fact]
    public void Sum_AddsEveryLabelSet() => PrometheusText.Sum(Exposition, "vllm:num_requests_running").Should().Be(5);

    [Fact]
    public void Sum_ReadsAValueFollowedByATimestamp() => PrometheusText.Sum(Exposition, "vllm:num_requests_waiting").Should().Be(4);

    [Fact]
    public void Sum_ReadsLabelValuesContainingBraces() => PrometheusText.Sum(Exposition, "vllm:kv_cache_usage_perc").Should().Be(0.25);

    [Fact]
    public void Sum_OfAMissingMetric_IsNull() => PrometheusText.Sum(Exposition, "vllm:num_preemptions_total").Should().BeNull();
}

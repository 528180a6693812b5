namespace Parley.Chart.Tests.Dashboards;

public class PromQlTests
{
    [Fact]
    public void MetricNames_OfANestedQuery_AreTheSelectorsOnly()
    {
        const string query = """
            histogram_quantile(0.95, sum by (le, service) (rate(vllm:time_to_first_token_seconds_bucket{namespace=~"$namespace", service=~"(${chat:pipe})-worker"}[$__rate_interval])))
            / on (pod) group_left() max(parley_leader == 1) and vllm:num_request_running offset 5m unless sum(rate(errors_total[1e3s])) without (status) > bool 1e3
            """;

        PromQl.MetricNames(query).Should().BeEquivalentTo(
            "vllm:time_to_first_token_seconds_bucket", "parley_leader", "vllm:num_request_running", "errors_total");
    }

    [Theory]
    [InlineData("sum(rate(parley_reconcile_total[5m])) by (result)", "parley_reconcile_total")]
    [InlineData("max by (phase) (parley_chatdeployments{phase=~\"Failed|Degraded\"} and on (pod) (parley_leader == 1))", "parley_chatdeployments,parley_leader")]
    [InlineData("parley_workqueue_depth", "parley_workqueue_depth")]
    [InlineData("vector(1)", "")]
    public void MetricNames_FindsEveryMetricAndNoLabelOrFunction(string query, string expected)
    {
        PromQl.MetricNames(query).Should().BeEquivalentTo(expected.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("label_values(vllm:num_requests_running{namespace=~\"$namespace\"}, service)", "vllm:num_requests_running")]
    [InlineData("label_values(parley_tuned_max_model_len, namespace)", "parley_tuned_max_model_len")]
    [InlineData("label_values(namespace)", null)]
    public void VariableMetric_IsTheFirstArgumentOfLabelValues(string query, string? expected)
    {
        PromQl.VariableMetric(query).Should().Be(expected);
    }
}

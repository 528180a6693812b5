using Parley.Operator.Metrics;
using Prometheus;

namespace Parley.Operator.Tests.Metrics;

public class OperatorMetricsTests
{
    [Fact]
    public async Task EveryReconcileResult_IsExportedAtZero_BeforeTheFirstReconcile()
    {
        var metrics = new OperatorMetrics();
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        foreach (var result in OperatorMetrics.ReconcileResults)
        {
            text.Should().Contain($"parley_reconcile_total{{result=\"{result}\"}} 0", "a dashboard's rate() needs the series before its first increment");
        }
    }
}

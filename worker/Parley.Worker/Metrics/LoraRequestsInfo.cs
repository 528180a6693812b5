// vllm:lora_requests_info, as vLLM's PrometheusStatLogger writes it: a gauge whose labels say which adapters the
// running and the waiting requests use (comma-separated names) and max_lora, and whose value is the Unix time of the
// reading, so the newest series is the current one. vLLM leaves every past label set behind with its old time; here
// the previous set is removed when the adapters change, so a query sees one series, and the newest-value rule still
// holds for dashboards written for vLLM.
using System.Globalization;
using Parley.Engine.Core;
using Prometheus;

namespace Parley.Worker.Metrics;

/// <summary>The LoRA adapters in use, as vLLM labels them.</summary>
internal sealed class LoraRequestsInfo(MetricFactory factory, int maxLoras)
{
    private readonly Gauge _gauge = factory.CreateGauge("vllm_lora_requests_info", "Running stats on lora requests.",
        ["max_lora", "waiting_lora_adapters", "running_lora_adapters"]);
    private string[]? _labels;

    public void Update(EngineStats stats)
    {
        string[] labels =
        [
            maxLoras.ToString(CultureInfo.InvariantCulture),
            string.Join(',', stats.WaitingAdapters.Order(StringComparer.Ordinal)),
            string.Join(',', stats.RunningAdapters.Order(StringComparer.Ordinal)),
        ];
        if (_labels is not null && !_labels.SequenceEqual(labels))
        {
            _gauge.RemoveLabelled(_labels);
        }

        _gauge.WithLabels(labels).SetToCurrentTimeUtc();
        _labels = labels;
    }
}

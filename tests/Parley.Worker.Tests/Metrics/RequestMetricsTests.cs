namespace Parley.Worker.Tests.Metrics;

// vLLM's per-request phase, parameter and per-step families on /metrics after one request on the tiny worker, with
// vLLM's names, types and buckets (vllm/v1/metrics/loggers.py).
public sealed class RequestMetricsTests(ScrapedWorker worker) : IClassFixture<ScrapedWorker>
{
    private static readonly double[] RequestLatency = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
    private const double Epsilon = 1e-6;

    public static TheoryData<string, double[]> Histograms => new()
    {
        { "vllm:request_queue_time_seconds", RequestLatency },
        { "vllm:request_prefill_time_seconds", RequestLatency },
        { "vllm:request_decode_time_seconds", RequestLatency },
        { "vllm:request_inference_time_seconds", RequestLatency },
        { "vllm:request_params_n", [1, 2, 5, 10, 20] },
        { "vllm:request_params_max_tokens", [1, 2, 5, 10, 20, 50, 100, 200] }, // 1-2-5 up to max_model_len (256)
        { "vllm:iteration_tokens_total", [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384] },
    };

    [Theory]
    [MemberData(nameof(Histograms))]
    public void Family_IsAHistogramWithVllmsBucketsLabelledWithTheModel(string family, double[] buckets)
    {
        worker.Scrape.Should().Contain($"# TYPE {family} histogram\n");
        worker.Buckets(family).Should().Equal(buckets);
        worker.Samples(family + "_count").Should().ContainSingle().Which.Should().StartWith($"{family}_count{{model_name=\"{RunningWorker.ModelName}\"}}");
    }

    [Fact]
    public void Phases_AreRecordedOnce_QueueIsPositive_PrefillPlusDecodeIsInference()
    {
        foreach (var phase in new[] { "queue", "prefill", "decode", "inference" })
        {
            worker.Value($"vllm:request_{phase}_time_seconds_count").Should().Be(1, $"one request finished ({phase})");
        }

        var queue = worker.Value("vllm:request_queue_time_seconds_sum");
        var prefill = worker.Value("vllm:request_prefill_time_seconds_sum");
        var decode = worker.Value("vllm:request_decode_time_seconds_sum");
        var inference = worker.Value("vllm:request_inference_time_seconds_sum");
        queue.Should().BePositive();
        prefill.Should().BePositive();
        decode.Should().BePositive("two tokens followed the first");
        (prefill + decode).Should().BeLessThanOrEqualTo(inference + Epsilon).And.BeGreaterThanOrEqualTo(inference - Epsilon);
        (queue + inference).Should().BeLessThanOrEqualTo(worker.Value("vllm:e2e_request_latency_seconds_sum") + Epsilon, "both phases fall inside the request");
    }

    [Fact]
    public void Params_RecordTheRequestsNAndMaxTokens()
    {
        worker.Value("vllm:request_params_n_count").Should().Be(1);
        worker.Value("vllm:request_params_n_sum").Should().Be(1);
        worker.Value("vllm:request_params_max_tokens_count").Should().Be(1);
        worker.Value("vllm:request_params_max_tokens_sum").Should().Be(ScrapedWorker.MaxTokens);
    }

    [Fact]
    public void IterationTokens_CountsEveryStep_ThePrefillThenOneTokenPerDecode()
    {
        worker.Value("vllm:iteration_tokens_total_count").Should().Be(ScrapedWorker.MaxTokens, "one step computes the prompt and samples the first token, then one step per token");
        worker.Value("vllm:iteration_tokens_total_sum").Should().Be(worker.PromptTokens + ScrapedWorker.MaxTokens - 1);
    }

    [Fact]
    public void CacheConfigInfo_IsOneWithVllmsLabels()
    {
        worker.Scrape.Should().Contain("# TYPE vllm:cache_config_info gauge\n");
        var line = worker.Samples("vllm:cache_config_info").Should().ContainSingle().Subject;
        line.Should().EndWith(" 1");
        foreach (var label in new[] { "block_size=\"16\"", "cache_dtype=\"auto\"", "enable_prefix_caching=\"True\"", "gpu_memory_utilization=\"0.9\"", "engine=\"0\"" })
        {
            line.Should().Contain(label);
        }

        line.Should().MatchRegex("num_gpu_blocks=\"[1-9][0-9]*\"");
    }
}

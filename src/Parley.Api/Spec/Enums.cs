// String enums of the ChatDeployment spec, spelled as users write them in YAML.
using System.Text.Json.Serialization;

namespace Parley.Api.Spec;

/// <summary>Data type of the weights and activations; <c>auto</c> takes the checkpoint's <c>torch_dtype</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelDtype>))]
public enum ModelDtype
{
    [JsonStringEnumMemberName("auto")] Auto,
    [JsonStringEnumMemberName("bfloat16")] BFloat16,
    [JsonStringEnumMemberName("float16")] Float16,
    [JsonStringEnumMemberName("float32")] Float32,
}

/// <summary>Weight quantization of the checkpoint; <c>auto</c> reads it from the checkpoint's <c>quantization_config</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Quantization>))]
public enum Quantization
{
    [JsonStringEnumMemberName("auto")] Auto,
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("gptq")] Gptq,
    [JsonStringEnumMemberName("awq")] Awq,
}

/// <summary>How <c>&lt;think&gt;</c> reasoning is split from the answer; <c>auto</c> picks by model family.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReasoningParser>))]
public enum ReasoningParser
{
    [JsonStringEnumMemberName("auto")] Auto,
    [JsonStringEnumMemberName("deepseek-r1")] DeepSeekR1,
    [JsonStringEnumMemberName("qwen3")] Qwen3,
    [JsonStringEnumMemberName("none")] None,
}

/// <summary>Whether the operator chooses memory utilization and context (<c>Auto</c>) or takes them as given (<c>Manual</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TuningMode>))]
public enum TuningMode
{
    [JsonStringEnumMemberName("Auto")] Auto,
    [JsonStringEnumMemberName("Manual")] Manual,
}

/// <summary>Whether a Prometheus Operator ServiceMonitor is created; <c>auto</c> creates one when its CRD is installed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ServiceMonitorMode>))]
public enum ServiceMonitorMode
{
    [JsonStringEnumMemberName("auto")] Auto,
    [JsonStringEnumMemberName("enabled")] Enabled,
    [JsonStringEnumMemberName("disabled")] Disabled,
}

/// <summary>Kubernetes Service type for the chat UI.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UiServiceType>))]
public enum UiServiceType
{
    [JsonStringEnumMemberName("ClusterIP")] ClusterIP,
    [JsonStringEnumMemberName("NodePort")] NodePort,
    [JsonStringEnumMemberName("LoadBalancer")] LoadBalancer,
}

/// <summary>Whether a worker takes a whole GPU (<c>Exclusive</c>) or may share a physical GPU with other <c>Shared</c>
/// ChatDeployments, each with its own memory share planned jointly.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GpuSharing>))]
public enum GpuSharing
{
    [JsonStringEnumMemberName("Exclusive")] Exclusive,
    [JsonStringEnumMemberName("Shared")] Shared,
}

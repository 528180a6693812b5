// The HTTP probes of Parley's containers, which all answer on their port named "http".
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds HTTP GET probes.</summary>
public static class HttpProbes
{
    public static V1Probe Get(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 5,
    };
}

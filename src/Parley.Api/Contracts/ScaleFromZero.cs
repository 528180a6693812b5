// How a router asks for a replica when a request arrives and none is ready: it merge-patches this annotation on its
// ChatDeployment with the time of the request. The operator's informer sees the change at once, so scaling from zero
// waits for no autoscaling interval, and the operator stays the only writer of the worker Deployment's replicas.
namespace Parley.Api.Contracts;

/// <summary>The wake annotation a router sets on its ChatDeployment.</summary>
public static class ScaleFromZero
{
    /// <summary>An RFC 3339 UTC time: a request has been held since then.</summary>
    public const string WakeAnnotation = "parley.dev/wake-requested-at";
}

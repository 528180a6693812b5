// Transient API failures (timeouts, 429, 5xx, dropped connections) are retried with jittered exponential backoff
// before a reconcile gives up; conflicts (409) and client errors are not transient and surface at once.
using System.Net;
using k8s.Autorest;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Parley.Operator.Reconciliation;

/// <summary>The resilience pipeline every API call of the reconciler goes through.</summary>
public static class KubernetesRetry
{
    public static ResiliencePipeline Create(TimeSpan attemptTimeout, int maxRetryAttempts = 4) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = maxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(50),
            })
            .AddTimeout(attemptTimeout)
            .Build();

    /// <summary>Whether another attempt may succeed: a timeout, a dropped connection, 429 or a 5xx answer.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutRejectedException or HttpRequestException or IOException => true,
        HttpOperationException { Response.StatusCode: var status } => status == HttpStatusCode.TooManyRequests || (int)status >= 500,
        _ => false,
    };

    /// <summary>Whether <paramref name="exception"/> is the API server's answer <paramref name="status"/>.</summary>
    public static bool Is(this Exception exception, HttpStatusCode status) =>
        exception is HttpOperationException { Response.StatusCode: var code } && code == status;
}

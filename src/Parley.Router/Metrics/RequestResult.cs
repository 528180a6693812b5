namespace Parley.Router.Metrics;

/// <summary>The <c>result</c> label of <c>parley_router_requests_total</c>.</summary>
public static class RequestResult
{
    /// <summary>Answered by the first replica tried (whatever its status: the worker's own errors are the client's answer).</summary>
    public const string Ok = "ok";

    /// <summary>Answered by a second replica after the first answered 503 or could not be reached.</summary>
    public const string Retried = "retried";

    /// <summary>No replica could be reached, the stream broke, or the client left while held.</summary>
    public const string Error = "error";

    /// <summary>Refused at once: the hold queue was full.</summary>
    public const string Rejected = "rejected";

    /// <summary>Waited the whole hold timeout for a ready replica.</summary>
    public const string Timeout = "timeout";
}

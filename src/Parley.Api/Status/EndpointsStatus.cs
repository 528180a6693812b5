namespace Parley.Api.Status;

/// <summary>In-cluster URLs of the deployment.</summary>
public sealed class EndpointsStatus
{
    /// <summary>The OpenAI-compatible API base URL (ends in <c>/v1</c>): the router's Service when routing is on, else the worker's.</summary>
    public string? Api { get; set; }

    /// <summary>The chat UI URL, when the UI is enabled.</summary>
    public string? Ui { get; set; }
}

// Where the hub is, who we are to it, and where its files go; read from the same environment huggingface_hub reads.
namespace Parley.Worker.Download;

/// <summary>Settings for <see cref="HubDownloader"/>.</summary>
public sealed record HubOptions
{
    public static readonly Uri DefaultEndpoint = new("https://huggingface.co");

    /// <summary>The hub's base address (<c>HF_ENDPOINT</c>); a mirror works if it serves the same paths.</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Sent as <c>Authorization: Bearer</c> to the hub (<c>HF_TOKEN</c>); needed for gated and private models.</summary>
    public string? Token { get; init; }

    /// <summary>The hub cache folder that holds <c>models--org--name</c> folders.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>Use only what is in the cache (<c>HF_HUB_OFFLINE=1</c>).</summary>
    public bool IsOffline { get; init; }

    /// <summary>Tries per request, the first included, before a transient failure is reported.</summary>
    public int MaxAttemptCount { get; init; } = 6;

    /// <summary>The first retry's delay; later ones double (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between tries, also for a server's Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A download that receives nothing for this long is dropped and resumed.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a file's progress is logged while it downloads.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Options from the process environment.</summary>
    public static HubOptions FromEnvironment(string? downloadDirectory) =>
        FromEnvironment(downloadDirectory, Environment.GetEnvironmentVariable);

    /// <summary>Options from <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HUB_OFFLINE</c> and the cache location.</summary>
    /// <param name="downloadDirectory"><c>--download-dir</c>; when null, <c>HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>,
    /// else <c>~/.cache/huggingface/hub</c>, as huggingface_hub resolves it.</param>
    /// <param name="environment">Reads one environment variable.</param>
    public static HubOptions FromEnvironment(string? downloadDirectory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Read(string name) => environment(name) is { Length: > 0 } value ? value : null;

        var home = Read("HF_HOME")
            ?? Path.Combine(Read("XDG_CACHE_HOME") ?? Path.Combine(UserHome(environment), ".cache"), "huggingface");
        return new HubOptions
        {
            Endpoint = Read("HF_ENDPOINT") is { } endpoint ? new Uri(endpoint) : DefaultEndpoint,
            Token = Read("HF_TOKEN"),
            CacheDirectory = downloadDirectory ?? Read("HF_HUB_CACHE") ?? Path.Combine(home, "hub"),
            IsOffline = Read("HF_HUB_OFFLINE")?.ToLowerInvariant() is "1" or "true" or "yes" or "on",
        };
    }

    private static string UserHome(Func<string, string?> environment) =>
        environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}

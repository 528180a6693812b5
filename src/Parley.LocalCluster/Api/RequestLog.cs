// What the fake API server was asked and what it answered, for assertions like "the second reconcile made no writes".
namespace Parley.LocalCluster.Api;

/// <summary>One answered request. <see cref="StatusCode"/> is 0 for a request that hung until the client gave up.</summary>
/// <param name="Query">The raw query string without <c>?</c>; empty when there was none.</param>
public sealed record RequestRecord(string Method, string Path, string Query, int StatusCode)
{
    public bool IsWatch => Query.Contains("watch=true", StringComparison.Ordinal) || Query.Contains("watch=1", StringComparison.Ordinal);

    /// <summary>A POST, PUT, PATCH or DELETE.</summary>
    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public override string ToString() => $"{Method} {Path}{(Query.Length > 0 ? "?" + Query : "")} -> {StatusCode}";
}

/// <summary>The requests answered so far, in the order they finished (a watch is logged when its stream starts).</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RequestRecord> _records = [];

    public IReadOnlyList<RequestRecord> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>Writes (POST, PUT, PATCH, DELETE) answered with a 2xx status.</summary>
    public int WriteCount => Count(r => r.IsWrite && r.IsSuccess);

    /// <summary>Requests matching an optional method and path substring, whatever their status.</summary>
    public int Count(string? method = null, string? pathContains = null) =>
        Count(r => (method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase))
            && (pathContains is null || r.Path.Contains(pathContains, StringComparison.Ordinal)));

    public int Count(Func<RequestRecord, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_gate)
        {
            return _records.Count(predicate);
        }
    }

    /// <summary>Forgets every record, e.g. after seeding, so that counts cover only what a test does next.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }

    internal void Add(RequestRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }
}

// ChatDeployments the API server accepted but the C# types cannot read (a schema older than the types, or a value the
// schema cannot rule out). Each is kept in the cache with its metadata and status only, and its reason is kept here, so
// one bad object is reported on its own status instead of breaking the list and watch for every namespace.
using System.Collections.Concurrent;
using Parley.Api;

namespace Parley.Operator.Runtime;

/// <summary>Why each unreadable ChatDeployment, at the resourceVersion it was read at, could not be decoded.</summary>
public sealed class DecodeFailures
{
    private readonly ConcurrentDictionary<string, (string? ResourceVersion, string Message)> _failures = new(StringComparer.Ordinal);

    public int Count => _failures.Count;

    /// <summary>The decode error of this very version of <paramref name="chat"/>, or null when it was read in full.</summary>
    public string? Of(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return _failures.TryGetValue(ObjectKeys.KeyOf(chat), out var failure) && failure.ResourceVersion == chat.Metadata.ResourceVersion
            ? failure.Message
            : null;
    }

    internal void Record(string key, string? resourceVersion, string message) => _failures[key] = (resourceVersion, message);

    internal void Forget(string key) => _failures.TryRemove(key, out _);
}

// KubernetesClient reports a watch's ERROR event (such as 410 Gone) and a malformed line only to an onError callback
// and goes on reading; an informer must instead stop and list again, so errors are rethrown here.
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Parley.Operator.Runtime;

/// <summary>Watch enumerations that end with an exception on the first error.</summary>
public static class WatchEvents
{
    /// <summary>How long the server keeps one watch open before the informer resumes it: client-go's 5–10 minutes.</summary>
    public const int TimeoutSeconds = 300;

    /// <summary>Runs <paramref name="watch"/> with an error callback and rethrows the first error it reports.</summary>
    public static async IAsyncEnumerable<(WatchEventType Type, T Object)> Strict<T>(
        Func<Action<Exception>, IAsyncEnumerable<(WatchEventType, T)>> watch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watch);
        Exception? error = null;
        await foreach (var item in watch(e => error ??= e).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (error is not null)
            {
                break;
            }

            yield return item;
        }

        if (error is not null)
        {
            throw new WatchExpiredException($"The watch failed: {error.Message}");
        }
    }

    /// <summary>Decodes the untyped objects of a custom-object watch with <paramref name="decode"/>. Bookmarks and errors
    /// carry no object of the kind and are passed on with an empty one holding only their resourceVersion.</summary>
    public static async IAsyncEnumerable<(WatchEventType Type, T Object)> Decoded<T>(
        IAsyncEnumerable<(WatchEventType Type, object Object)> events, Func<object, T> decode, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>, new()
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(decode);
        await foreach (var (type, obj) in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return type is WatchEventType.Bookmark or WatchEventType.Error
                ? (type, new T { Metadata = new V1ObjectMeta { ResourceVersion = ResourceVersionOf(obj) } })
                : (type, decode(obj));
        }
    }

    private static string? ResourceVersionOf(object obj) =>
        obj is JsonElement element && element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("resourceVersion", out var version) && version.ValueKind == JsonValueKind.String
            ? version.GetString()
            : null;
}

// Closed-loop tuning, the reading side: ask a ready worker pod what it actually got (GET /v1/parley/info). The pod runs
// an image the tenant chooses, so every read is bounded in size and time, parsed as it streams, and checked before it is
// believed; a pod that answers too much, too slowly or nonsense is skipped like one that does not answer.
using System.Net.Http.Headers;
using System.Text.Json;
using k8s.Models;
using Parley.Api.Contracts;
using Parley.Operator.Status;

namespace Parley.Operator.Reconciliation;

/// <summary>Reads <see cref="WorkerInfo"/> from worker pods.</summary>
/// <param name="http">The client every read goes through.</param>
/// <param name="address">The base URL of a pod's HTTP port; null skips the pod.</param>
/// <param name="timeout">The limit of one read, headers and body.</param>
public sealed class WorkerInfoClient(HttpClient http, Func<V1Pod, Uri?> address, TimeSpan timeout)
{
    /// <summary>The longest answer read: a real report is a few hundred bytes.</summary>
    public const int MaxReportBytes = 64 * 1024;

    /// <summary>The report of the first ready pod that answers with a plausible one, or null when none does.</summary>
    public async Task<WorkerInfo?> ReadAsync(IEnumerable<V1Pod> pods, string? apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pods);
        foreach (var baseAddress in pods.Where(IsReady).Select(address).OfType<Uri>())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, WorkerInfo.Path));
            if (apiKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            // HttpClient.Timeout stops at the headers when the body is streamed; this deadline covers the body too.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                if (await ReadOneAsync(request, deadline.Token).ConfigureAwait(false) is { } info && WorkerReport.Problem(info) is null)
                {
                    return info;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Too slow; the next reconcile asks again.
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or InvalidDataException or IOException)
            {
                // A pod that does not answer, or answers too much or nonsense, is skipped; the next reconcile asks again.
            }
        }

        return null;
    }

    /// <summary>A cluster's addressing: the pod's IP and the port every worker serves on; null before the pod has an IP.</summary>
    public static Func<V1Pod, Uri?> PodIpAddress(int port) =>
        pod => pod.Status?.PodIP is { } ip ? new Uri($"http://{ip}:{port}") : null;

    private async Task<WorkerInfo?> ReadOneAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxReportBytes)
        {
            return null;
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var bounded = new BoundedReadStream(body, MaxReportBytes);
        return await JsonSerializer.DeserializeAsync<WorkerInfo>(bounded, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(condition => condition.Type == "Ready" && condition.Status == "True") == true;
}

// Closed-loop tuning, the reading side: ask a ready worker pod what it actually got (GET /v1/parley/info).
using System.Net.Http.Headers;
using System.Net.Http.Json;
using k8s.Models;
using Parley.Api.Contracts;

namespace Parley.Operator.Reconciliation;

/// <summary>Reads <see cref="WorkerInfo"/> from worker pods.</summary>
public sealed class WorkerInfoClient(HttpClient http, int port)
{
    /// <summary>The report of the first ready pod that answers, or null when none does.</summary>
    public async Task<WorkerInfo?> ReadAsync(IEnumerable<V1Pod> pods, string? apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pods);
        foreach (var ip in pods.Where(IsReady).Select(pod => pod.Status.PodIP).OfType<string>())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{ip}:{port}{WorkerInfo.Path}"));
            if (apiKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            try
            {
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadFromJsonAsync<WorkerInfo>(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                // A pod that does not answer is skipped; the next reconcile asks again.
            }
        }

        return null;
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(condition => condition.Type == "Ready" && condition.Status == "True") == true;
}

// Reads a router's load report (GET /v1/parley/router/load, behind the API key). The router runs an image the tenant
// may choose, so the read is bounded in size and time like WorkerInfoClient's; a router that does not answer, or answers
// nonsense, gives no reading and the autoscaler keeps the current count.
using System.Net.Http.Headers;
using System.Text.Json;
using Parley.Api.Contracts;
using Parley.Operator.Reconciliation;

namespace Parley.Operator.Autoscaling;

/// <summary>Reads <see cref="RouterLoad"/> from a ChatDeployment's API Service.</summary>
public sealed class RouterLoadClient(HttpClient http, ServiceAddress address, TimeSpan timeout)
{
    /// <summary>The longest answer read: a report lists each backend in about 200 bytes.</summary>
    public const int MaxReportBytes = 256 * 1024;

    /// <summary>The report, or null when the router does not answer with one in time.</summary>
    public async Task<RouterLoad?> ReadAsync(string ns, string service, string? apiKey, CancellationToken cancellationToken)
    {
        var uri = new Uri(address(ns, service, RouterFlags.DefaultPort), RouterLoad.Path);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxReportBytes)
            {
                return null;
            }

            var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            await using var bounded = new BoundedReadStream(body, MaxReportBytes);
            var load = await JsonSerializer.DeserializeAsync<RouterLoad>(bounded, cancellationToken: deadline.Token).ConfigureAwait(false);
            return load is { Held: >= 0, InFlight: >= 0 } ? load : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // Too slow; the next interval asks again.
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or InvalidDataException or IOException)
        {
            return null;
        }
    }
}

// JSON calls the worker's HTTP tests make over and over: a POST whose answer must be 200, and a streamed POST read as
// its server-sent events, which must end with [DONE] and carry no in-band error. A failure says what came back.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Testing.Worker;

/// <summary>POSTs to a running worker and reads the answers as JSON.</summary>
public static class WorkerCalls
{
    /// <summary>The answer of a POST that must succeed.</summary>
    /// <exception cref="InvalidOperationException">The status was not 200; the message holds the body.</exception>
    public static async Task<JsonObject> PostJsonAsync(this RunningWorker worker, string path, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(worker);
        using var response = await worker.Http.PostAsync(new Uri(path, UriKind.Relative), JsonContent.Create(body));
        return JsonNode.Parse(await OkTextAsync(response, path))!.AsObject();
    }

    /// <summary>The events of a streamed POST, without the closing [DONE].</summary>
    /// <exception cref="InvalidOperationException">The status was not 200, the stream did not end with [DONE], or it
    /// carried an error event.</exception>
    public static async Task<List<JsonObject>> StreamJsonAsync(this RunningWorker worker, string path, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(worker);
        using var response = await worker.Http.PostAsync(new Uri(path, UriKind.Relative), JsonContent.Create(body));
        var text = await OkTextAsync(response, path);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(line => line["data: ".Length..]).ToList();
        if (events.Count == 0 || events[^1] != "[DONE]")
        {
            throw new InvalidOperationException($"The stream from {path} did not end with [DONE]: {text}");
        }

        var chunks = events.SkipLast(1).Select(data => JsonNode.Parse(data)!.AsObject()).ToList();
        return chunks.Exists(chunk => chunk.ContainsKey("error"))
            ? throw new InvalidOperationException($"The stream from {path} carried an error: {text}")
            : chunks;
    }

    private static async Task<string> OkTextAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK ? text : throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
    }
}

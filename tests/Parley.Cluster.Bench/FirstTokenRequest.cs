// One streamed chat completion timed from the client: when it was sent and when the first event carrying a generated
// token arrived. The worker writes a role chunk before prefill, so the first event says nothing about the model; the
// first token is the first event whose continuous usage (vLLM's stream_options.continuous_usage_stats) counts a
// completion token, which holds even when the demo model's random bytes decode to no text yet.
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Cluster.Bench;

/// <summary>Sends one streamed chat request and times its first token.</summary>
internal static class FirstTokenRequest
{
    /// <summary>The times (UTC) the request was sent and its first token arrived; the stream is read to its end.</summary>
    public static async Task<(DateTime SentAt, DateTime FirstTokenAt)> SendAsync(HttpClient http, Uri url, AuthenticationHeaderValue authorization, string prompt)
    {
        var body = new JsonObject
        {
            ["model"] = "demo",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
            ["max_tokens"] = 4,
            ["ignore_eos"] = true, // four tokens every time: the demo model's random weights may end an answer anywhere
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true, ["continuous_usage_stats"] = true },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = authorization;
        var sentAt = DateTime.UtcNow;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The request failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync().ConfigureAwait(false));
        DateTime? firstTokenAt = null;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (firstTokenAt is null && line.StartsWith("data: {", StringComparison.Ordinal) && CompletionTokens(line) > 0)
            {
                firstTokenAt = DateTime.UtcNow;
            }
        }

        return (sentAt, firstTokenAt ?? throw new InvalidOperationException("The stream ended without a token."));
    }

    private static int CompletionTokens(string line) =>
        JsonNode.Parse(line["data: ".Length..])?["usage"]?["completion_tokens"]?.GetValue<int>() ?? 0;
}

// One streamed chat completion, timed from the client: time to the first content event, the gaps between content
// events, and the text (a conversation's next turn carries it as the assistant's message).
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Router.Bench;

/// <summary>What the client saw of one stream.</summary>
internal sealed record StreamTiming(double FirstTokenSeconds, IReadOnlyList<double> GapSeconds, string Text)
{
    public static async Task<StreamTiming> RunAsync(HttpClient http, JsonArray messages, int maxTokens)
    {
        var body = new JsonObject
        {
            ["model"] = "demo",
            ["messages"] = messages.DeepClone(),
            ["max_tokens"] = maxTokens,
            ["ignore_eos"] = true, // every answer as long as asked: the demo model's random weights stop anywhere
            ["temperature"] = 0,
            ["stream"] = true,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double? first = null;
        var last = 0.0;
        var gaps = new List<double>();
        var text = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            var content = JsonNode.Parse(line["data: ".Length..])?["choices"]?[0]?["delta"]?["content"]?.GetValue<string>();
            if (string.IsNullOrEmpty(content))
            {
                continue;
            }

            var now = clock.Elapsed.TotalSeconds;
            if (first is null)
            {
                first = now;
            }
            else
            {
                gaps.Add(now - last);
            }

            last = now;
            text.Append(content);
        }

        return new StreamTiming(first ?? clock.Elapsed.TotalSeconds, gaps, text.ToString());
    }
}

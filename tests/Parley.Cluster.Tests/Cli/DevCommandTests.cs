// `parley-operator dev -f samples/dev-demo*.yaml` end to end: it prints a URL, a chat request through it completes, and
// SIGTERM (what Ctrl+C's SIGINT also does) stops it with no process left behind.
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Parley.Testing;

namespace Parley.Cluster.Tests.Cli;

public sealed class DevCommandTests
{
    [Theory]
    [InlineData("dev-demo.yaml")]
    [InlineData("dev-demo-autoscaled.yaml")] // the printed URL is the router's, which holds the request until a worker is ready
    public async Task Dev_WithADemoSample_ServesChatAndStopsEveryProcessOnSigterm(string sample)
    {
        await using var dev = DevProcess.Start("-f", RepositoryPaths.Of("samples", sample));
        var api = await dev.WaitForLineAsync("API:");
        var key = await dev.WaitForLineAsync("API key:");
        await dev.WaitForLineAsync("Press Ctrl+C");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api + "/chat/completions"))
        {
            Content = JsonContent.Create(new { model = "demo", messages = new[] { new { role = "user", content = "hello" } }, max_tokens = 4, ignore_eos = true }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(body);
        // The demo's random bytes may decode to no text (an unfinished UTF-8 sequence): the token count proves the answer.
        JsonNode.Parse(body)!["usage"]!["completion_tokens"]!.GetValue<int>().Should().Be(4);
        var children = dev.ChildProcessIds();
        children.Should().NotBeEmpty("the worker runs as a child process of dev");

        var exitCode = await dev.TerminateAsync();

        exitCode.Should().Be(0, dev.Output);
        dev.Output.Should().Contain("Stopped.");
        children.Where(DevProcess.IsAlive).Should().BeEmpty("dev stops every process it started");
    }
}

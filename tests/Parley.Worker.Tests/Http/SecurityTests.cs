// Who may call what: every mapped route is walked with and without the key, so a new /v1 route cannot go unguarded;
// a browser page from another site cannot make an open worker generate; the chat page cannot be framed or run
// injected script.
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Parley.Worker.Http;

namespace Parley.Worker.Tests.Http;

public class SecurityTests
{
    private static readonly string[] KeyGuarded = ["/v1/chat/completions", "/v1/completions", "/invocations", "/v1/models", "/v1/parley/info", "/tokenize", "/detokenize"];

    [Fact]
    public async Task EveryRoute_AnswersWithoutTheKeyOnlyWhenItIsNotGuarded()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { ApiKey = "k" });
        var routes = worker.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(endpoint => (Path: "/" + endpoint.RoutePattern.RawText!.TrimStart('/'), Method: endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single(),
                IsGuarded: endpoint.Metadata.GetMetadata<ApiKeyRequired>() is not null))
            .ToList();

        routes.Where(route => route.IsGuarded).Select(route => route.Path).Should().BeEquivalentTo(KeyGuarded);
        routes.Where(route => route.Path.StartsWith("/v1", StringComparison.Ordinal)).Should().OnlyContain(route => route.IsGuarded);
        foreach (var (path, method, isGuarded) in routes)
        {
            foreach (var spelling in new[] { path, path.ToUpperInvariant() })
            {
                using var anonymous = await SendAsync(worker, method, spelling, key: null);
                (anonymous.StatusCode == HttpStatusCode.Unauthorized).Should().Be(isGuarded, $"{method} {spelling} without the key");
                using var withKey = await SendAsync(worker, method, spelling, key: "k");
                withKey.StatusCode.Should().NotBe(HttpStatusCode.Unauthorized, $"{method} {spelling} with the key");
            }
        }
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    public async Task CrossSiteBrowserPost_ToAWorkerWithoutAKey_Is403(string header, string value)
    {
        await using var worker = await RunningWorker.StartAsync();
        using var request = Chat();
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await worker.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("PermissionDeniedError").And.Contain("--api-key");
        worker.Host.Model!.Engine.Stats.Steps.Should().Be(0, "nothing was generated");
    }

    [Fact]
    public async Task SameOriginAndProgramPosts_ToAWorkerWithoutAKey_AreServed()
    {
        await using var worker = await RunningWorker.StartAsync();
        using var fromPage = Chat();
        fromPage.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        fromPage.Headers.TryAddWithoutValidation("Origin", worker.Http.BaseAddress!.GetLeftPart(UriPartial.Authority));
        using var fromProgram = Chat();

        (await worker.Http.SendAsync(fromPage)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await worker.Http.SendAsync(fromProgram)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CrossSitePost_ToAWorkerWithAKey_IsLeftToTheKeyCheck()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { ApiKey = "k" });
        using var request = Chat();
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k");

        (await worker.Http.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("k\n")]
    [InlineData("  k\r\n")]
    public async Task AKeyWithSurroundingWhitespace_IsTheSameKey(string configured)
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { ApiKey = configured });
        using var request = Chat();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k");

        (await worker.Http.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public void AKeyOfOnlyWhitespace_IsRefusedAtStart()
    {
        new WorkerOptions { Model = "demo", ApiKey = " \n" }.Validate().Should().StartWith("--api-key (or VLLM_API_KEY) is only whitespace");
    }

    [Fact]
    public async Task ChatPage_IsServedWithAPolicyThatAllowsOnlyItsOwnScript()
    {
        await using var worker = await RunningWorker.StartAsync();

        using var page = await worker.Http.GetAsync(new Uri("/", UriKind.Relative));

        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.Contain("script-src 'sha256-").And.NotContain("unsafe-eval");
        policy.Should().NotContain("script-src 'unsafe-inline'");
        page.Headers.GetValues("X-Frame-Options").Single().Should().Be("DENY");
        page.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
    }

    [Fact]
    public void ContentSecurityPolicy_HashesEachInlineScript()
    {
        var policy = Parley.Worker.ChatPage.ChatPageEndpoint.ContentSecurityPolicy("<script>a()</script><p>x</p><script>b()</script>");

        // SHA-256 of "a()" and "b()", base64, as a browser computes them for the inline blocks.
        policy.Should().Contain($"'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("a()"u8))}'")
            .And.Contain($"'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("b()"u8))}'");
    }

    private static HttpRequestMessage Chat() => new(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
    {
        Content = new StringContent("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}", Encoding.UTF8, "application/json"),
    };

    private static async Task<HttpResponseMessage> SendAsync(RunningWorker worker, string method, string path, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await worker.Http.SendAsync(request);
    }
}

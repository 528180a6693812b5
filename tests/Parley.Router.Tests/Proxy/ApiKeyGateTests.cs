using System.Net;
using System.Net.Http.Headers;
using Parley.Router.Tests.Hosting;

namespace Parley.Router.Tests.Proxy;

public class ApiKeyGateTests
{
    [Theory]
    [InlineData("/v1/models")]
    [InlineData("/V1/models")]
    [InlineData("/tokenize")]
    [InlineData("/detokenize")]
    [InlineData("/v1/parley/router/load")]
    public async Task GuardedPaths_WithoutTheKey_Get401AndNeverReachAWorker(string path)
    {
        await using var worker = await FakeUpstream.AnsweringAsync("answer");
        await using var router = await RunningRouter.StartAsync([worker], o => o with { ApiKey = "sekret" });
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");

        using var response = await router.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("AuthenticationError");
        worker.RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task TheRightKey_IsPassedOnToTheWorkerUnchanged()
    {
        await using var worker = await FakeUpstream.AnsweringAsync("answer");
        await using var router = await RunningRouter.StartAsync([worker], o => o with { ApiKey = "sekret\n" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sekret");

        using var response = await router.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        worker.Received.Single().Authorization.Should().Be("Bearer sekret");
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/metrics")]
    [InlineData("/")]
    public async Task OpenPaths_NeedNoKey(string path)
    {
        await using var worker = await FakeUpstream.AnsweringAsync("chat page");
        await using var router = await RunningRouter.StartAsync([worker], o => o with { ApiKey = "sekret" });

        (await router.Http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

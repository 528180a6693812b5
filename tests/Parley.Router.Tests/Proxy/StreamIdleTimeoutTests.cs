using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Parley.Router.Tests.Hosting;

namespace Parley.Router.Tests.Proxy;

public class StreamIdleTimeoutTests
{
    [Fact]
    public async Task AStreamSilentLongerThanTheIdleTimeout_IsEnded()
    {
        var workerReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await FakeUpstream.StartAsync(async context =>
        {
            if (context.Request.Path == "/v1/models")
            {
                await context.Response.WriteAsync("{}"); // the warm-up below
                return;
            }

            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: one\n\n");
            await context.Response.Body.FlushAsync();
            await Task.WhenAny(workerReleased.Task, Task.Delay(Timeout.Infinite, context.RequestAborted)); // then silence
        });
        await using var router = await RunningRouter.StartAsync([worker], o => o with { StreamIdleTimeout = TimeSpan.FromSeconds(1) });
        // The wait for response headers counts as silence too; a first request through a cold router and worker can take
        // longer than the timeout on a loaded machine (and is then ended with 502), so the path is warmed until a request
        // passes before the stream that is timed.
        (await WarmAsync(router)).Should().Be(HttpStatusCode.OK);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent("""{"prompt":"p","stream":true}""", Encoding.UTF8, "application/json") };
        using var response = await router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a router that never ends the stream fails here

        (await reader.ReadLineAsync(guard.Token)).Should().Be("data: one");
        try
        {
            await reader.ReadToEndAsync(guard.Token); // an OperationCanceledException here means the stream was never ended
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            // The router ends a stream it gives up on by aborting it, as the worker would have.
        }

        workerReleased.SetResult();
        guard.IsCancellationRequested.Should().BeFalse();
    }

    private static async Task<HttpStatusCode> WarmAsync(RunningRouter router)
    {
        var status = HttpStatusCode.BadGateway;
        for (var attempt = 0; attempt < 10 && status != HttpStatusCode.OK; attempt++)
        {
            using var warm = await router.Http.GetAsync("/v1/models");
            status = warm.StatusCode;
        }

        return status;
    }
}

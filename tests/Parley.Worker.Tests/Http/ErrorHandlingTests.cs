// The server's own refusals of a body (too large, too slow) keep their status and carry a matching error type, not
// InternalServerError; anything unexpected is a 500 that says where to look.
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Engine.Core;
using Parley.Worker.Http;
using Parley.Worker.Metrics;

namespace Parley.Worker.Tests.Http;

public class ErrorHandlingTests
{
    [Theory]
    [InlineData(408, "RequestTimeoutError")]
    [InlineData(413, "RequestTooLargeError")]
    [InlineData(400, "BadRequestError")]
    public async Task KestrelBodyRefusals_KeepTheirStatus_WithAMatchingType(int status, string type)
    {
        var (code, error) = await AnswerAsync(new BadHttpRequestException("refused", status));

        code.Should().Be(status);
        error["type"]!.GetValue<string>().Should().Be(type);
        error["code"]!.GetValue<int>().Should().Be(status);
    }

    [Fact]
    public void EveryRejectionKind_HasItsOwnAnswer_WhateverTheMessageSays()
    {
        var expected = new Dictionary<RejectionKind, (int Status, bool RetryAfter)>
        {
            [RejectionKind.Invalid] = (400, false),
            [RejectionKind.TooLong] = (400, false),
            [RejectionKind.ShuttingDown] = (503, true),
            [RejectionKind.Overloaded] = (503, true),
        };

        foreach (var kind in Enum.GetValues<RejectionKind>())
        {
            // The same misleading text for every kind: only the kind may decide.
            var answer = ErrorHandling.Rejection(new RequestRejectedException("The engine is shutting down; retry shortly.", kind));

            expected.Should().ContainKey(kind, "every kind needs a decided answer");
            (answer.Status, answer.RetryAfter is not null).Should().Be(expected[kind], kind.ToString());
        }
    }

    [Fact]
    public async Task AnUnexpectedException_IsA500ThatPointsAtTheLog()
    {
        var (code, error) = await AnswerAsync(new InvalidCastException("bug"));

        code.Should().Be(500);
        error["type"]!.GetValue<string>().Should().Be("InternalServerError");
        error["message"]!.GetValue<string>().Should().Contain("worker log").And.NotContain("bug");
    }

    private static async Task<(int Status, JsonNode Error)> AnswerAsync(Exception exception)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        var handling = new ErrorHandling(_ => throw exception, NullLogger<ErrorHandling>.Instance, new WorkerMetrics(Prometheus.Metrics.NewCustomRegistry()));

        await handling.InvokeAsync(context);

        return (context.Response.StatusCode, JsonNode.Parse(body.ToArray())!["error"]!);
    }
}

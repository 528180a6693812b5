// Every hostile case gets its exact status (never a 5xx), an OpenAI-shaped error of the right type where the worker
// answers with a body, and leaves the worker healthy.
using System.Net;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Hostile;

public class HostileInputTests(HostileWorker fixture) : IClassFixture<HostileWorker>
{
    public static TheoryData<string> Cases => [.. HostileCases.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileRequest_GetsItsStatus_AndTheWorkerStaysHealthy(string name)
    {
        var @case = HostileCases.Named(name);
        var worker = fixture.Worker;
        IEnumerable<(string, string)> headers = @case.WithKey && !@case.Headers.Any(header => header.Name == "Authorization")
            ? [.. @case.Headers, ("Authorization", $"Bearer {HostileCases.ApiKey}")]
            : @case.Headers;

        var (status, body) = await RawHttp.SendAsync(worker.Options.Port, @case.Method, @case.Target, @case.Body, headers);

        status.Should().Be(@case.Status, $"'{name}' answered {body[..Math.Min(body.Length, 300)]}");
        if (@case.ErrorType is { } type)
        {
            var error = JsonNode.Parse(body)!["error"]!;
            error["type"]!.GetValue<string>().Should().Be(type);
            error["code"]!.GetValue<int>().Should().Be(@case.Status);
            error["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        }

        using var health = await worker.Http.GetAsync(new Uri("/health", UriKind.Relative));
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        worker.Host.Model!.Engine.Stats.Should().Match<Parley.Engine.Core.EngineStats>(stats => stats.Running + stats.Waiting <= 1);
    }

    [Fact]
    public void TheTable_HoldsAtLeastAHundredCases() => HostileCases.Names.Should().HaveCountGreaterThanOrEqualTo(100);
}

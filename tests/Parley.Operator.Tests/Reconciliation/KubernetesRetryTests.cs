using System.Net;
using k8s.Autorest;
using Parley.Operator.Reconciliation;
using Polly.Timeout;

namespace Parley.Operator.Tests.Reconciliation;

public class KubernetesRetryTests
{
    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.Conflict, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false)]
    public void IsTransient_RetriesServerTroubleButNotAnswers(HttpStatusCode status, bool expected)
    {
        KubernetesRetry.IsTransient(Answer(status)).Should().Be(expected);
    }

    [Fact]
    public void IsTransient_TimeoutsAndDroppedConnectionsAreRetried()
    {
        KubernetesRetry.IsTransient(new TimeoutRejectedException()).Should().BeTrue();
        KubernetesRetry.IsTransient(new HttpRequestException("reset")).Should().BeTrue();
        KubernetesRetry.IsTransient(new InvalidOperationException()).Should().BeFalse();
    }

    [Fact]
    public async Task Pipeline_RetriesUntilTheServerAnswers()
    {
        var attempts = 0;
        var pipeline = KubernetesRetry.Create(TimeSpan.FromSeconds(5));

        var result = await pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            return attempts < 3 ? throw Answer(HttpStatusCode.InternalServerError) : ValueTask.FromResult("ok");
        });

        result.Should().Be("ok");
        attempts.Should().Be(3);
    }

    private static HttpOperationException Answer(HttpStatusCode status) => new()
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(status), ""),
    };
}

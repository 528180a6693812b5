using Parley.Operator.Runtime;

namespace Parley.Operator.Tests.Runtime;

public class BackoffLimiterTests
{
    [Fact]
    public void When_DoublesPerFailureUpToTheCap()
    {
        var limiter = new BackoffLimiter(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(30));

        Enumerable.Range(0, 5).Select(_ => limiter.When("k").TotalMilliseconds).Should().Equal(5, 10, 20, 30, 30);
        limiter.When("other").TotalMilliseconds.Should().Be(5, "keys back off independently");
    }

    [Fact]
    public void Forget_StartsOverAfterSuccess()
    {
        var limiter = BackoffLimiter.Default();
        limiter.When("k");
        limiter.When("k");

        limiter.Forget("k");

        limiter.Failures("k").Should().Be(0);
        limiter.When("k").Should().Be(TimeSpan.FromMilliseconds(5));
    }
}

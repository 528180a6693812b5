using System.Net;

namespace Parley.Worker.Tests.Http;

// The tiny checkpoint stores bfloat16: --dtype may say so (in any of vLLM's spellings) or auto; any other dtype would
// need a conversion the worker does not do, so the load is refused with a sentence naming both dtypes.
public class DtypeTests
{
    [Theory]
    [InlineData("auto")]
    [InlineData("bfloat16")]
    [InlineData("bf16")]
    public async Task DtypeOfTheCheckpoint_Serves(string dtype)
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { Dtype = dtype });

        (await worker.Http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("float16")]
    [InlineData("half")]
    [InlineData("float32")]
    public async Task AnotherDtype_FailsTheLoadNamingBoth(string dtype)
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { Dtype = dtype }, waitUntilReady: false);
        for (var i = 0; i < 500 && worker.Host.LoadError is null; i++)
        {
            await Task.Delay(10);
        }

        worker.Host.LoadError.Should().StartWith("--dtype ").And.Contain("the checkpoint stores bfloat16").And.Contain("set --dtype to auto or bfloat16");
        worker.Host.ExitCode.Should().Be(1);
    }
}

using System.Net.Http.Json;
using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Worker.Tests.Http;

public class DeviceSelectionTests
{
    [Fact]
    public async Task AutoDevice_IsCudaExactlyWhenAGpuOpens()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { Device = "auto" });

        var info = await worker.Http.GetFromJsonAsync<Parley.Api.Contracts.WorkerInfo>(new Uri("/v1/parley/info", UriKind.Relative));

        info!.Device.Should().Be(CudaOpens() ? "cuda" : "cpu");
    }

    [Fact]
    public async Task CudaDevice_WithoutAGpu_FailsTheLoadWithOneSentence()
    {
        if (CudaOpens())
        {
            return; // On a GPU machine this is the GPU check's ground, not this test's.
        }

        await using var worker = await RunningWorker.StartAsync(options => options with { Device = "cuda" }, waitUntilReady: false);
        for (var i = 0; i < 200 && worker.Host.LoadError is null; i++)
        {
            await Task.Delay(10);
        }

        worker.Host.LoadError.Should().MatchRegex("(NVIDIA|CUDA|libcuda)").And.NotContain("   at ");
        worker.Host.ExitCode.Should().Be(1);
    }

    private static bool CudaOpens()
    {
        try
        {
            using var device = CudaDevice.Open();
            return true;
        }
        catch (CudaUnavailableException)
        {
            return false;
        }
    }
}

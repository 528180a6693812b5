// The line the worker host writes when the GPU runs out of memory is the line the operator's step-down acts on, read
// back through a pod status as Kubernetes would hand it over (the file's content as the terminated state's message).
using k8s.Models;
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Operator.Reconciliation;
using Parley.Worker.Serving;

namespace Parley.Contract.Tests;

public sealed class OutOfMemoryTerminationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"parley-contract-termination-{Guid.NewGuid():N}");

    [Theory]
    [InlineData("loading the model", "cuMemAlloc_v2", "CUDA_ERROR_OUT_OF_MEMORY")]
    [InlineData("running a forward pass", "cublasGemmEx", "CUBLAS_STATUS_ALLOC_FAILED")]
    public void TheLineTheWorkerWrites_StepsThePlanDown(string phase, string function, string error)
    {
        var finished = new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
        new TerminationMessage(_path).Write(new GpuOutOfMemoryException(phase, 1L << 20, 80L << 30, new CudaException(function, 2, error))).Should().BeTrue();

        StepDown.LatestOutOfMemory([Terminated(File.ReadAllText(_path), finished)], since: null).Should().Be(finished);
    }

    [Fact]
    public void ALineCutToKubernetesLimit_IsStillRecognised()
    {
        var finished = new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
        var detail = new CudaException(new string('x', 10_000));
        new TerminationMessage(_path).Write(new GpuOutOfMemoryException("loading the model", 0, 0, detail));

        StepDown.LatestOutOfMemory([Terminated(File.ReadAllText(_path), finished)], since: null).Should().Be(finished);
    }

    [Fact]
    public void AnotherDeath_DoesNotStepThePlanDown()
    {
        new TerminationMessage(_path).Write("Model load failed: no such folder /models/x");

        StepDown.LatestOutOfMemory([Terminated(File.ReadAllText(_path), DateTime.UtcNow)], since: null).Should().BeNull();
    }

    private static V1Pod Terminated(string message, DateTime finishedAt) => new()
    {
        Status = new V1PodStatus
        {
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "worker", Image = "worker", ImageID = "", Ready = false, RestartCount = 1,
                    LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Message = message, FinishedAt = finishedAt } },
                },
            ],
        },
    };

    public void Dispose() => File.Delete(_path);
}

// The real CudaBackend, end to end on the emulated CUDA, against the CPU backend: llama, mistral, qwen2 and qwen3 in
// bf16, f16, f32 and GPTQ (symmetric, asymmetric per-column, act-order); prefill, chunked prefill over cached blocks,
// mixed prefill + decode batches, graph decode against eager decode, and greedy tokens on f32.
using Parley.Gpu.Tests;
using Parley.Testing;

namespace Parley.Engine.Cuda.Tests;

public class CudaParityTests
{
    static CudaParityTests() => CudaEmulator.UseInThisProcess();

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var (model, check) in ParityChecks.Cases())
        {
            cases.Add(model, check);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CudaBackend_MatchesTheCpuBackend(string model, string check) => ParityChecks.Run(model, check).Should().BeNull();
}

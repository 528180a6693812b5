using System.Text;
using System.Text.RegularExpressions;
using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Tests.Backends.Cuda;

// Every embedded kernel through the worker's own NVRTC path, for Ampere (compute_80) and Hopper (compute_90). No GPU is
// needed to compile; NVRTC is installed by .ci/run, so a missing library fails these tests rather than skipping them.
public sealed partial class KernelCompileTests : IDisposable
{
    private static readonly Dictionary<string, string[]> ExpectedEntries = new()
    {
        ["add_rmsnorm.cu"] = ["add_rmsnorm"],
        ["bias_add.cu"] = ["bias_add"],
        ["decode_attention.cu"] = ["decode_attention", "decode_attention_reduce"],
        ["embedding.cu"] = ["embedding_gather"],
        ["gptq_gemm.cu"] = ["gptq_gemm"],
        ["gptq_gemv.cu"] = ["gptq_gemv1", "gptq_gemv2", "gptq_gemv4", "gptq_gemv8"],
        ["gptq_unpack.cu"] = ["gptq_unpack"],
        ["head_rmsnorm.cu"] = ["head_rmsnorm"],
        ["lora_sgmv.cu"] = ["lora_shrink", "lora_expand"],
        ["prefill_attention.cu"] = ["prefill_attention"],
        ["prefill_attention_mma.cu"] = ["prefill_attention_mma"],
        ["rope_kv_write.cu"] = ["rope_kv_write"],
        ["silu_and_mul.cu"] = ["silu_and_mul"],
        ["splitk_reduce.cu"] = ["splitk_reduce"],
    };

    private readonly string _cache = Directory.CreateTempSubdirectory("parley-ptx-").FullName;

    public static TheoryData<string, int> Kernels()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in ExpectedEntries.Keys)
        {
            data.Add(file, 80);
            data.Add(file, 90);
        }

        return data;
    }

    [Fact]
    public void EmbeddedKernels_AreExactlyTheFilesThisTestExpects()
    {
        KernelSource.All().Select(source => source.FileName).Should().BeEquivalentTo(ExpectedEntries.Keys);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Compile_EveryKernelFile_GivesPtxWithItsEntries(string file, int computeCapability)
    {
        var ptx = new KernelCompiler(cacheDirectory: null).Compile(KernelSource.Named(file), computeCapability);

        ptx.Should().Contain($".target sm_{computeCapability}");
        EntryNames(ptx).Should().BeEquivalentTo(ExpectedEntries[file]);
    }

    // The emulator runs tensor_core.cuh's software step in place of mma.sync; on a GPU the instruction itself must be
    // what the kernel carries, for f16 (GPTQ) and, where a kernel asks for it, bf16.
    [Theory]
    [InlineData("gptq_gemm.cu", 80, "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32")]
    [InlineData("gptq_gemm.cu", 90, "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32")]
    [InlineData("prefill_attention_mma.cu", 80, "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32")]
    [InlineData("prefill_attention_mma.cu", 90, "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32")]
    public void Compile_TensorCoreKernels_CarryTheMmaInstruction(string file, int computeCapability, string instruction)
    {
        var ptx = new KernelCompiler(cacheDirectory: null).Compile(KernelSource.Named(file), computeCapability);

        ptx.Should().Contain(instruction);
    }

    [Fact]
    public void Compile_BrokenSource_NamesTheFileAndCarriesNvrtcsLog()
    {
        var broken = new KernelSource("broken.cu", "extern \"C\" __global__ void broken(float* x) { x[0] = undefined_symbol; }");

        var compile = () => new KernelCompiler(cacheDirectory: null).Compile(broken, 80);

        var error = compile.Should().Throw<KernelCompileException>().Which;
        error.FileName.Should().Be("broken.cu");
        error.Message.Should().Contain("broken.cu").And.Contain("undefined_symbol");
        error.Log.Should().Contain("error");
    }

    [Fact]
    public void Compile_WithCache_WritesPtxOnceAndReadsItBack()
    {
        var compiler = new KernelCompiler(_cache);
        var source = KernelSource.Named("bias_add.cu");

        var first = compiler.Compile(source, 80);
        var files = Directory.GetFiles(_cache);
        File.WriteAllText(files.Single(), first + "// from the cache\n");
        var second = compiler.Compile(source, 80);

        files.Should().ContainSingle().Which.Should().EndWith(".ptx");
        second.Should().EndWith("// from the cache\n");
    }

    [Fact]
    public void Compile_WithCache_KeysOnSourceAndArchitecture()
    {
        var compiler = new KernelCompiler(_cache);
        var source = KernelSource.Named("bias_add.cu");

        compiler.Compile(source, 80);
        compiler.Compile(source, 90);
        compiler.Compile(source with { Text = source.Text + "\n// edited\n" }, 80);

        Directory.GetFiles(_cache).Should().HaveCount(3);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(90)]
    public void CompileForDevice_AnSmNvrtcKnows_GivesACubinForExactlyThatSm(int computeCapability)
    {
        var image = new KernelCompiler(_cache).CompileForDevice(KernelSource.Named("decode_attention.cu"), computeCapability);

        image.IsCubin.Should().BeTrue();
        image.Bytes.Take(4).Should().Equal(0x7f, (byte)'E', (byte)'L', (byte)'F');
        Directory.GetFiles(_cache).Should().ContainSingle().Which.Should().EndWith(".cubin");
    }

    [Fact]
    public void CompileForDevice_AnSmNewerThanNvrtc_FallsBackToPtx()
    {
        // Debian's NVRTC 11.8 stops at sm_90; a later GPU generation gets PTX for the driver to compile.
        var compiler = new KernelCompiler(_cache);
        var source = KernelSource.Named("bias_add.cu");

        var compile = () => compiler.CompileForDevice(source, 120);

        if (compiler.NvrtcVersion < new Version(12, 8))
        {
            var image = compile();
            image.IsCubin.Should().BeFalse();
            Encoding.UTF8.GetString(image.Bytes).Should().Contain(".target sm_90", "PTX for the newest architecture this NVRTC knows");
        }
        else
        {
            compile().IsCubin.Should().BeTrue("NVRTC 12.8 and newer know sm_120");
        }
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static IEnumerable<string> EntryNames(string ptx) => EntryPattern().Matches(ptx).Select(match => match.Groups[1].Value);

    [GeneratedRegex(@"\.entry\s+(\w+)\s*\(")]
    private static partial Regex EntryPattern();
}

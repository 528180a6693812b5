// The element types the kernels read and write, with the codes shared with Kernels/prelude.cuh (DTYPE_*) and cuBLAS's
// cudaDataType_t for the same type.
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cuda;

/// <summary>A float type on the device.</summary>
public enum CudaDtype
{
    Float32 = 0,
    Float16 = 1,
    BFloat16 = 2,
}

internal static class CudaDtypes
{
    public static int Bytes(this CudaDtype dtype) => dtype == CudaDtype.Float32 ? 4 : 2;

    public static int CublasType(this CudaDtype dtype) => dtype switch
    {
        CudaDtype.Float16 => Cublas.R16F,
        CudaDtype.BFloat16 => Cublas.R16BF,
        _ => Cublas.R32F,
    };

    public static CudaDtype Of(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.BF16 => CudaDtype.BFloat16,
        SafetensorsDtype.F16 => CudaDtype.Float16,
        SafetensorsDtype.F32 => CudaDtype.Float32,
        _ => throw new NotSupportedException($"Tensors of {dtype.Name()} have no CUDA float type; expected BF16, F16 or F32."),
    };

    /// <summary>The activation and KV-cache type of a model: its torch_dtype (GPTQ checkpoints are float16).</summary>
    public static CudaDtype Of(ModelConfig config) => config.Gptq is not null ? CudaDtype.Float16 : config.TorchDtype switch
    {
        "bfloat16" => CudaDtype.BFloat16,
        "float16" => CudaDtype.Float16,
        _ => CudaDtype.Float32,
    };
}

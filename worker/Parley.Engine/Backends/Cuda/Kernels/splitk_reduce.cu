// y[i] = Σ_s partial[s][i]: the second pass of a split-K GEMM or GEMV (gptq_gemm.cu, gptq_gemv.cu), which wrote one
// partial sum per split of the inputs. The splits are added in order, so a result never depends on the schedule.
// Bytes per call: reads splits · count · 4, writes count · 4; for a decode GEMV (count = T · O, a few thousand floats)
// that is tens of kilobytes against the megabytes of weight the GEMV read, a few per cent at most.
// grid-stride over count
// partial [splits, count] f32; y [count] f32
extern "C" __global__ void splitk_reduce(const float* partial, int splits, i64 count, float* y)
{
    for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < count; i += (i64)gridDim.x * blockDim.x)
    {
        float sum = 0.f;
        for (int s = 0; s < splits; s++) sum += partial[s * count + i];
        y[i] = sum;
    }
}

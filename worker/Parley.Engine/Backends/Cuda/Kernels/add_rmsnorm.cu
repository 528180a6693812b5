// Fused residual add and RMSNorm (Zhang & Sennrich, 2019): h += delta; out = h / rms(h) * weight.
// One block per output row; rows (optional) picks which residual row feeds output row blockIdx.x, so the final norm
// runs only on the last token of each sampled sequence.          grid: output rows; block: multiple of 32
// A thread keeps up to PER_THREAD of its row's elements in registers, loaded all at once before any is written back:
// a loop that stored each sum before loading the next element waited a memory latency per element (the compiler
// cannot move a load of delta above a store to the residual it might alias), 15 µs per call on an H200 at batch 1.
// Rows wider than PER_THREAD × blockDim take the plain loop for the rest.
// residual [T, width] f32 (updated when delta is given); delta [T, width] f32 or null; rows [R] or null;
// weight [width] f32; out [R, width] (out_dtype)
#define PER_THREAD 8

extern "C" __global__ void add_rmsnorm(float* residual, const float* delta, const int* rows, const float* weight,
    float eps, int width, void* out, int out_dtype)
{
    i64 row = rows ? rows[blockIdx.x] : blockIdx.x;
    float* h = residual + row * width;
    const float* d = delta ? delta + row * width : 0;
    float v[PER_THREAD], squares = 0.f;
#pragma unroll
    for (int p = 0; p < PER_THREAD; p++)
    {
        int i = threadIdx.x + p * blockDim.x;
        v[p] = i < width ? h[i] + (d ? d[i] : 0.f) : 0.f;
    }
#pragma unroll
    for (int p = 0; p < PER_THREAD; p++)
    {
        int i = threadIdx.x + p * blockDim.x;
        if (d && i < width) h[i] = v[p];
        squares += v[p] * v[p];
    }
    for (int i = threadIdx.x + PER_THREAD * blockDim.x; i < width; i += blockDim.x)
    {
        float value = h[i] + (d ? d[i] : 0.f);
        if (d) h[i] = value;
        squares += value * value;
    }

    float inverse = rsqrtf(block_sum(squares) / width + eps);
#pragma unroll
    for (int p = 0; p < PER_THREAD; p++)
    {
        int i = threadIdx.x + p * blockDim.x;
        if (i < width) store(out, (i64)blockIdx.x * width + i, v[p] * inverse * weight[i], out_dtype);
    }
    for (int i = threadIdx.x + PER_THREAD * blockDim.x; i < width; i += blockDim.x)
        store(out, (i64)blockIdx.x * width + i, h[i] * inverse * weight[i], out_dtype);
}

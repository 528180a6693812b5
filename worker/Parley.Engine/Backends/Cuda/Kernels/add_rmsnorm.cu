// Fused residual add and RMSNorm (Zhang & Sennrich, 2019): h += delta; out = h / rms(h) * weight.
// One block per output row; rows (optional) picks which residual row feeds output row blockIdx.x, so the final norm
// runs only on the last token of each sampled sequence.          grid: output rows; block: multiple of 32
// residual [T, width] f32 (updated when delta is given); delta [T, width] f32 or null; rows [R] or null;
// weight [width] f32; out [R, width] (out_dtype)
extern "C" __global__ void add_rmsnorm(float* residual, const float* delta, const int* rows, const float* weight,
    float eps, int width, void* out, int out_dtype)
{
    i64 row = rows ? rows[blockIdx.x] : blockIdx.x;
    float* h = residual + row * width;
    float squares = 0.f;
    for (int i = threadIdx.x; i < width; i += blockDim.x)
    {
        float v = h[i];
        if (delta)
        {
            v += delta[row * width + i];
            h[i] = v;
        }
        squares += v * v;
    }

    float inverse = rsqrtf(block_sum(squares) / width + eps);
    for (int i = threadIdx.x; i < width; i += blockDim.x)
        store(out, (i64)blockIdx.x * width + i, h[i] * inverse * weight[i], out_dtype);
}

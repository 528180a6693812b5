// x[r, i] += bias[i] (Qwen2's q/k/v projection biases).        grid-stride over rows × width
// x [rows, width] f32; bias [width] f32
extern "C" __global__ void bias_add(float* x, const float* bias, int width, int rows)
{
    i64 count = (i64)rows * width;
    for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < count; i += (i64)gridDim.x * blockDim.x)
        x[i] += bias[i % width];
}

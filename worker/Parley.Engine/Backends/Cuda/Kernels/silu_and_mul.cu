// SwiGLU's gate (Shazeer, 2020): out = silu(gate) · up with silu(g) = g / (1 + e^-g).   grid-stride
// gate, up [count] f32; out [count] (dtype): the input of the down projection
extern "C" __global__ void silu_and_mul(const float* gate, const float* up, i64 count, void* out, int dtype)
{
    for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < count; i += (i64)gridDim.x * blockDim.x)
    {
        float g = gate[i];
        store(out, i, g / (1.f + expf(-g)) * up[i], dtype);
    }
}

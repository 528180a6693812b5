// h[t] = E[tokens[t]] widened to float32.       grid: tokens; block: any
// table [vocab, hidden] (dtype); tokens [T]; out [T, hidden] f32
extern "C" __global__ void embedding_gather(const void* table, int dtype, const int* tokens, int hidden, float* out)
{
    i64 row = (i64)tokens[blockIdx.x] * hidden;
    float* destination = out + (i64)blockIdx.x * hidden;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) destination[i] = load(table, row + i, dtype);
}

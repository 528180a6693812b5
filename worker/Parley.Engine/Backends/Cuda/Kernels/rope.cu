// Rotary embedding (Su et al., 2021), neox "rotate half" layout: element i pairs with i + head_dim/2, turned by
// position · inv_freq[i]. The host computes inv_freq, Llama 3 frequency scaling included.
// grid: tokens; block: any
// x [T, heads, head_dim] f32 in place; positions [T]; inv_freq [head_dim / 2] f32
extern "C" __global__ void rope_neox(float* x, const int* positions, const float* inv_freq, int heads, int head_dim)
{
    int half = head_dim / 2;
    float position = (float)positions[blockIdx.x];
    float* row = x + (i64)blockIdx.x * heads * head_dim;
    for (int pair = threadIdx.x; pair < heads * half; pair += blockDim.x)
    {
        int head = pair / half, i = pair % half;
        float angle = position * inv_freq[i], c = cosf(angle), s = sinf(angle);
        float* v = row + head * head_dim;
        float x1 = v[i], x2 = v[i + half];
        v[i] = x1 * c - x2 * s;
        v[i + half] = x2 * c + x1 * s;
    }
}

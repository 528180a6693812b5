// One step of attention's online softmax (flash attention's running max m, running sum l and weighted values acc) for one
// query held by a warp: the query's score against one key, then the key's value folded in. Each lane holds N elements
// of the query and of the accumulator, element d at lane d % 32, index d / 32; elements at or past head_dim are zero.
// Decode and prefill attention both run it, so both rescale exactly alike.
template <int N>
__device__ __forceinline__ void online_softmax_step(const float (&q)[N], const float* key, const float* value, int head_dim, int lane,
                                                    float& m, float& l, float (&acc)[N])
{
    float s = 0.f;
#pragma unroll
    for (int j = 0; j < N; j++)
    {
        int d = lane + 32 * j;
        if (d < head_dim) s += q[j] * key[d];
    }
    s = warp_sum(s);
    float m_new = fmaxf(m, s), correction = expf(m - m_new), weight = expf(s - m_new);
    l = l * correction + weight;
#pragma unroll
    for (int j = 0; j < N; j++)
    {
        int d = lane + 32 * j;
        acc[j] = acc[j] * correction + (d < head_dim ? weight * value[d] : 0.f);
    }
    m = m_new;
}

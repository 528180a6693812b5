// Unpacks a GPTQ weight (sorted by group, as gptq_gemv reads it) into a dense [out, in] matrix so that large batches
// (prefill) can use cuBLAS on tensor cores instead of the GEMV: the dequantisation costs one pass over the weight,
// which a long prompt amortises over its tokens.         grid-stride over in × out
// input_order [in]; qweight [in/8, out] u32; qzeros [groups, out/8] u32; scales [groups, out] f16; w [out, in] (w_dtype)
extern "C" __global__ void gptq_dequant(const int* input_order, const unsigned* qweight, const unsigned* qzeros,
    const u16* scales, int in_features, int out_features, int group_size, void* w, int w_dtype)
{
    i64 count = (i64)in_features * out_features;
    for (i64 index = blockIdx.x * (i64)blockDim.x + threadIdx.x; index < count; index += (i64)gridDim.x * blockDim.x)
    {
        int sorted = (int)(index / out_features), o = (int)(index % out_features), group = sorted / group_size;
        unsigned q = (qweight[(i64)(sorted / 8) * out_features + o] >> (4 * (sorted % 8))) & 15u;
        float zero = (float)((qzeros[(i64)group * (out_features / 8) + o / 8] >> (4 * (o % 8))) & 15u) + 1.f;
        float scale = f16_to_float(scales[(i64)group * out_features + o]);
        store(w, (i64)o * in_features + input_order[sorted], scale * ((float)q - zero), w_dtype);
    }
}

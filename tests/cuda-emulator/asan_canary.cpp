// Proves that an AddressSanitizer run of the emulated CUDA (asan.sh) would catch an out-of-bounds access: it compiles
// a kernel with a deliberate off-by-one through the emulated NVRTC, launches it through the emulated driver, and must
// die with AddressSanitizer's report. asan.sh fails when this program does not.
//   asan_canary device   reads one float past the end of a device allocation (the driver's guard zone)
//   asan_canary shared   writes one float past the end of a __shared__ array (an instrumented global)
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <string>
#include <vector>

extern "C" {
int cuInit(unsigned);
int cuDevicePrimaryCtxRetain(void** context, int device);
int cuMemAlloc_v2(uint64_t* pointer, size_t bytes);
int cuModuleLoadData(void** module, const void* image);
int cuModuleGetFunction(void** function, void* module, const char* name);
int cuLaunchKernel(void* function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x, unsigned block_y, unsigned block_z,
                   unsigned shared_bytes, void* stream, void** parameters, void** extra);
int nvrtcCreateProgram(void** program, const char* source, const char* name, int headers, const char* const* sources, const char* const* names);
int nvrtcCompileProgram(void* program, int option_count, const char* const* options);
int nvrtcGetProgramLogSize(void* program, size_t* size);
int nvrtcGetProgramLog(void* program, char* log);
int nvrtcGetPTXSize(void* program, size_t* size);
int nvrtcGetPTX(void* program, char* image);
}

namespace {

const char* const Source = R"(
extern "C" __global__ void read_past_end(const float* in, float* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n) atomicAdd(out, in[i]);   // <= : one element too far
}

extern "C" __global__ void write_past_shared(float* out, int n)
{
    __shared__ float tile[64];
    int i = threadIdx.x;
    if (i <= n) tile[i] = (float)i;      // <= : one element too far
    __syncthreads();
    if (i == 0) out[0] = tile[0];
}
)";

int fail(const char* step, int result)
{
    fprintf(stderr, "asan_canary: %s returned %d\n", step, result);
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode != "device" && mode != "shared")
    {
        fprintf(stderr, "usage: asan_canary device|shared\n");
        return 64;
    }

    void* program = nullptr;
    int result = nvrtcCreateProgram(&program, Source, "asan_canary.cu", 0, nullptr, nullptr);
    if (result != 0) return fail("nvrtcCreateProgram", result);
    if ((result = nvrtcCompileProgram(program, 0, nullptr)) != 0)
    {
        size_t size = 0;
        nvrtcGetProgramLogSize(program, &size);
        std::vector<char> log(size);
        nvrtcGetProgramLog(program, log.data());
        fprintf(stderr, "%s\n", log.data());
        return fail("nvrtcCompileProgram", result);
    }
    size_t size = 0;
    nvrtcGetPTXSize(program, &size);
    std::vector<char> image(size);
    nvrtcGetPTX(program, image.data());

    void *context = nullptr, *module = nullptr, *function = nullptr;
    if ((result = cuInit(0)) != 0) return fail("cuInit", result);
    if ((result = cuDevicePrimaryCtxRetain(&context, 0)) != 0) return fail("cuDevicePrimaryCtxRetain", result);
    if ((result = cuModuleLoadData(&module, image.data())) != 0) return fail("cuModuleLoadData", result);

    int n = 64;
    uint64_t in = 0, out = 0;
    if ((result = cuMemAlloc_v2(&in, n * sizeof(float))) != 0) return fail("cuMemAlloc", result);
    if ((result = cuMemAlloc_v2(&out, sizeof(float))) != 0) return fail("cuMemAlloc", result);
    if (mode == "device")
    {
        if ((result = cuModuleGetFunction(&function, module, "read_past_end")) != 0) return fail("cuModuleGetFunction", result);
        void* parameters[] = { &in, &out, &n };
        result = cuLaunchKernel(function, 1, 1, 1, 96, 1, 1, 0, nullptr, parameters, nullptr);
    }
    else
    {
        if ((result = cuModuleGetFunction(&function, module, "write_past_shared")) != 0) return fail("cuModuleGetFunction", result);
        void* parameters[] = { &out, &n };
        result = cuLaunchKernel(function, 1, 1, 1, 96, 1, 1, 0, nullptr, parameters, nullptr);
    }
    if (result != 0) return fail("cuLaunchKernel", result);

    // Reaching this line means the overflow went unseen.
    printf("asan_canary %s: the out-of-bounds access was not reported\n", mode.c_str());
    return 0;
}

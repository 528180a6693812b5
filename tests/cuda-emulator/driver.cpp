// The CUDA driver API's C ABI on the CPU, as much of it as Parley's CUDA backend calls. One device (sm_90), whose
// memory size comes from PARLEY_EMU_DEVICE_MEMORY (bytes, default 2 GiB) so out-of-memory paths can be driven. Device
// pointers are host pointers. Streams execute each operation when it is issued, which is in order; a stream being
// captured records operations into a graph instead (kernel arguments copied, as the real driver copies them), and
// launching the instantiated graph replays them. What the real driver refuses during a capture (a synchronize, an
// allocation) is refused here too, and invalidates the capture the same way: an allocation is refused on every thread
// while a capture in CU_STREAM_CAPTURE_MODE_GLOBAL runs, and only on the capturing thread in THREAD_LOCAL mode (the
// backend's), so another thread's backend may load while one captures. PARLEY_EMU_FAIL_CAPTURE=1 makes every
// capture end invalidated, so a test can drive the backend's fallback to eager decode.
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include "emu_abi.h"
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace {

enum Result
{
    Success = 0, InvalidValue = 1, OutOfMemory = 2, InvalidImage = 200, InvalidContext = 201, InvalidHandle = 400, NotFound = 500,
    LaunchOutOfResources = 701, CaptureUnsupported = 900, CaptureInvalidated = 901, CaptureUnmatched = 903,
};

using Operation = std::function<void()>;

struct Graph
{
    std::vector<Operation> operations;
};

// cuStreamBeginCapture's modes.
constexpr int CaptureModeGlobal = 0;
constexpr int CaptureModeRelaxed = 2;

struct Stream
{
    bool capturing = false;
    int mode = CaptureModeGlobal;
    bool invalidated = false;
    std::unique_ptr<Graph> graph;
};

struct Module
{
    void* library;
};

std::mutex lock;
std::mutex execution;   // one kernel at a time in the process: kernels keep their shared memory in static variables
Stream default_stream;
std::map<uint64_t, size_t> allocations;
size_t used_bytes = 0;
std::vector<Stream*> global_captures;            // captures in GLOBAL mode, which refuse every thread's allocations
thread_local std::vector<Stream*> own_captures;  // captures this thread began in GLOBAL or THREAD_LOCAL mode, which refuse its own

size_t device_memory()
{
    const char* text = getenv("PARLEY_EMU_DEVICE_MEMORY");
    return text && *text ? strtoull(text, nullptr, 10) : (size_t)2 << 30;
}

Stream& stream_of(void* handle) { return handle ? *(Stream*)handle : default_stream; }

// Runs an operation now, or records it when the stream is being captured.
int submit(void* handle, Operation operation)
{
    Stream& stream = stream_of(handle);
    if (stream.capturing)
    {
        stream.graph->operations.push_back(std::move(operation));
        return Success;
    }
    operation();
    return Success;
}

// An allocation during a capture that forbids it fails and invalidates that capture (or, in GLOBAL mode, every one).
int refuse_during_capture()
{
    std::vector<Stream*>& refusing = !own_captures.empty() ? own_captures : global_captures;
    if (refusing.empty()) return Success;
    for (Stream* stream : refusing) stream->invalidated = true;
    return CaptureUnsupported;
}

void forget(std::vector<Stream*>& captures, Stream* stream)
{
    for (size_t i = 0; i < captures.size(); i++)
    {
        if (captures[i] == stream)
        {
            captures.erase(captures.begin() + (long)i);
            return;
        }
    }
}

} // namespace

extern "C" {

// For the emulated cuBLAS: queue work on a stream, in order with the kernels around it.
int parley_emu_submit(void* stream, void (*work)(void*), void* state, void (*release)(void*))
{
    std::shared_ptr<void> owned(state, release ? release : [](void*) {});
    return submit(stream, [work, owned] { work(owned.get()); });
}

int cuInit(unsigned) { return Success; }
int cuDriverGetVersion(int* version) { *version = 12080; return Success; }

int cuGetErrorName(int result, const char** name)
{
    switch (result)
    {
    case Success: *name = "CUDA_SUCCESS"; break;
    case InvalidValue: *name = "CUDA_ERROR_INVALID_VALUE"; break;
    case OutOfMemory: *name = "CUDA_ERROR_OUT_OF_MEMORY"; break;
    case InvalidImage: *name = "CUDA_ERROR_INVALID_IMAGE"; break;
    case InvalidContext: *name = "CUDA_ERROR_INVALID_CONTEXT"; break;
    case InvalidHandle: *name = "CUDA_ERROR_INVALID_HANDLE"; break;
    case NotFound: *name = "CUDA_ERROR_NOT_FOUND"; break;
    case LaunchOutOfResources: *name = "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"; break;
    case CaptureUnsupported: *name = "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"; break;
    case CaptureInvalidated: *name = "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"; break;
    case CaptureUnmatched: *name = "CUDA_ERROR_STREAM_CAPTURE_UNMATCHED"; break;
    default: *name = "CUDA_ERROR_UNKNOWN"; return InvalidValue;
    }
    return Success;
}

int cuDeviceGetCount(int* count) { *count = 1; return Success; }
int cuDeviceGet(int* device, int ordinal) { *device = ordinal; return ordinal == 0 ? Success : InvalidValue; }

int cuDeviceGetName(char* name, int length, int)
{
    snprintf(name, (size_t)length, "Parley emulated CUDA device (sm_90)");
    return Success;
}

int cuDeviceGetAttribute(int* value, int attribute, int)
{
    switch (attribute)
    {
    case 16: *value = 4; break;          // multiprocessors
    case 36: *value = 1000000; break;    // memory clock, kHz
    case 37: *value = 256; break;        // memory bus width, bits
    case 75: *value = 9; break;          // compute capability major
    case 76: *value = 0; break;          // compute capability minor
    default: *value = 0; break;
    }
    return Success;
}

int cuDeviceTotalMem_v2(size_t* bytes, int) { *bytes = device_memory(); return Success; }
int cuDevicePrimaryCtxRetain(void** context, int) { *context = (void*)&default_stream; return Success; }
int cuDevicePrimaryCtxRelease_v2(int) { return Success; }
int cuCtxSetCurrent(void*) { return Success; }

int cuCtxSynchronize()
{
    std::lock_guard<std::mutex> guard(lock);
    return refuse_during_capture();
}

int cuMemGetInfo_v2(size_t* free_bytes, size_t* total)
{
    std::lock_guard<std::mutex> guard(lock);
    *total = device_memory();
    *free_bytes = *total > used_bytes ? *total - used_bytes : 0;
    return Success;
}

// Under AddressSanitizer each allocation sits between two poisoned guard pages, and the slack after its last byte is
// poisoned too: a kernel (or a GEMM) reading past either end of a buffer is reported where it happens. Guards are not
// counted as device memory.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t GuardBytes = 4096;
#else
constexpr size_t GuardBytes = 0;
#endif

int cuMemAlloc_v2(uint64_t* pointer, size_t bytes)
{
    std::lock_guard<std::mutex> guard(lock);
    if (refuse_during_capture() != Success) return CaptureUnsupported;
    if (bytes == 0) return InvalidValue;
    size_t rounded = (bytes + 4095) & ~(size_t)4095;
    if (used_bytes + rounded > device_memory()) return OutOfMemory;
    // Anonymous pages: zero, and no resident memory until a page is touched (a large KV cache costs only what is used).
    void* memory = mmap(nullptr, rounded + 2 * GuardBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return OutOfMemory;
    *pointer = (uint64_t)memory + GuardBytes;
#if defined(__SANITIZE_ADDRESS__)
    ASAN_POISON_MEMORY_REGION(memory, GuardBytes);
    ASAN_POISON_MEMORY_REGION((char*)*pointer + bytes, rounded - bytes + GuardBytes);
#endif
    allocations[*pointer] = rounded;
    used_bytes += rounded;
    return Success;
}

int cuMemFree_v2(uint64_t pointer)
{
    std::lock_guard<std::mutex> guard(lock);
    auto found = allocations.find(pointer);
    if (found == allocations.end()) return InvalidValue;
    void* memory = (char*)pointer - GuardBytes;
    size_t mapped = found->second + 2 * GuardBytes;
#if defined(__SANITIZE_ADDRESS__)
    // The shadow outlives the mapping: a later mapping at the same address must not inherit these poisoned bytes.
    ASAN_UNPOISON_MEMORY_REGION(memory, mapped);
#endif
    munmap(memory, mapped);
    used_bytes -= found->second;
    allocations.erase(found);
    return Success;
}

int cuMemAllocHost_v2(void** pointer, size_t bytes)
{
    *pointer = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    return *pointer ? Success : OutOfMemory;
}

int cuMemFreeHost(void* pointer) { free(pointer); return Success; }

int cuMemcpyHtoDAsync_v2(uint64_t destination, const void* source, size_t bytes, void* stream)
{
    return submit(stream, [=] { memcpy((void*)destination, source, bytes); });
}

int cuMemcpyDtoHAsync_v2(void* destination, uint64_t source, size_t bytes, void* stream)
{
    return submit(stream, [=] { memcpy(destination, (const void*)source, bytes); });
}

int cuMemcpyDtoDAsync_v2(uint64_t destination, uint64_t source, size_t bytes, void* stream)
{
    return submit(stream, [=] { memmove((void*)destination, (const void*)source, bytes); });
}

int cuMemsetD8Async(uint64_t destination, unsigned char value, size_t count, void* stream)
{
    return submit(stream, [=] { memset((void*)destination, value, count); });
}

int cuStreamCreate(void** stream, unsigned) { *stream = new Stream(); return Success; }
int cuStreamDestroy_v2(void* stream) { delete (Stream*)stream; return Success; }

int cuStreamSynchronize(void* handle)
{
    Stream& stream = stream_of(handle);
    if (!stream.capturing) return Success;
    stream.invalidated = true;
    return CaptureUnsupported;
}

int cuModuleLoadData(void** module, const void* image)
{
    const char* text = (const char*)image;
    const char* marker = strstr(text, ".emu ");
    if (!marker) return InvalidImage;   // real PTX: this device runs only modules from the emulated NVRTC
    std::string path(marker + 5, strcspn(marker + 5, "\r\n"));
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library)
    {
        fprintf(stderr, "parley-emu: %s\n", dlerror());
        return InvalidImage;
    }
    *module = new Module{ library };
    return Success;
}

int cuModuleUnload(void* module)
{
    // The library stays loaded: graphs instantiated from its kernels may still hold their code.
    delete (Module*)module;
    return Success;
}

int cuModuleGetFunction(void** function, void* module, const char* name)
{
    auto info = (emu::KernelInfoFunction)dlsym(((Module*)module)->library, (std::string(PARLEY_EMU_KERNEL_PREFIX) + name).c_str());
    if (!info) return NotFound;
    *function = (void*)info();
    return Success;
}


int cuLaunchKernel(void* function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x, unsigned block_y, unsigned block_z,
    unsigned shared_bytes, void* stream, void** parameters, void** extra)
{
    if (!function) return InvalidHandle;
    if (extra) return InvalidValue;
    if ((uint64_t)block_x * block_y * block_z > 1024 || block_x * block_y * block_z == 0) return InvalidValue;
    if (shared_bytes > 0) return LaunchOutOfResources;   // no Parley kernel uses dynamic shared memory
    auto info = (const emu::KernelInfo*)function;
    dim3 grid{ grid_x, grid_y, grid_z }, block{ block_x, block_y, block_z };
    if (!stream_of(stream).capturing)
    {
        std::lock_guard<std::mutex> guard(execution);
        info->run(info->entry, info->kernel, parameters, grid, block);
        return Success;
    }
    // Arguments are copied at capture, as the real driver copies them into the graph's kernel node.
    auto storage = std::make_shared<std::vector<std::vector<unsigned char>>>();
    for (int i = 0; i < info->parameter_count; i++)
    {
        auto bytes = (const unsigned char*)parameters[i];
        storage->emplace_back(bytes, bytes + info->parameter_sizes[i]);
    }
    return submit(stream, [info, storage, grid, block] {
        std::vector<void*> pointers;
        for (auto& value : *storage) pointers.push_back(value.data());
        std::lock_guard<std::mutex> guard(execution);
        info->run(info->entry, info->kernel, pointers.data(), grid, block);
    });
}

int cuStreamBeginCapture_v2(void* handle, int mode)
{
    Stream& stream = stream_of(handle);
    if (stream.capturing) return InvalidValue;
    std::lock_guard<std::mutex> guard(lock);
    stream.capturing = true;
    stream.mode = mode;
    if (mode == CaptureModeGlobal) global_captures.push_back(&stream);
    if (mode != CaptureModeRelaxed) own_captures.push_back(&stream);
    stream.invalidated = false;
    stream.graph = std::make_unique<Graph>();
    return Success;
}

int cuStreamEndCapture(void* handle, void** graph)
{
    Stream& stream = stream_of(handle);
    if (!stream.capturing) return CaptureUnmatched;
    std::lock_guard<std::mutex> guard(lock);
    stream.capturing = false;
    // The real driver ends a capture that is not relaxed only on the thread that began it.
    forget(global_captures, &stream);
    forget(own_captures, &stream);
    auto captured = std::move(stream.graph);
    const char* fail = getenv("PARLEY_EMU_FAIL_CAPTURE");
    if (stream.invalidated || (fail && strcmp(fail, "1") == 0))
    {
        *graph = nullptr;
        return CaptureInvalidated;
    }
    *graph = captured.release();
    return Success;
}

int cuGraphInstantiateWithFlags(void** executable, void* graph, unsigned long long)
{
    if (!graph) return InvalidValue;
    *executable = new Graph(*(Graph*)graph);
    return Success;
}

int cuGraphLaunch(void* executable, void* stream)
{
    if (!executable) return InvalidHandle;
    auto graph = (Graph*)executable;
    return submit(stream, [graph] {
        for (auto& operation : graph->operations) operation();
    });
}

int cuGraphExecDestroy(void* executable) { delete (Graph*)executable; return Success; }
int cuGraphDestroy(void* graph) { delete (Graph*)graph; return Success; }

} // extern "C"

// The CUDA driver API entry points the backend uses, declared exactly as cuda.h does (the _v2 names are what the
// unversioned macros in cuda.h expand to). Handles (contexts, streams, modules, functions, events, graphs) are
// opaque pointers: nint. Device pointers (CUdeviceptr) are 64-bit integers: ulong. Every call returns a CUresult,
// checked by Cu.Check. Only blittable types cross the boundary, so the source generator emits no marshalling.
using System.Runtime.InteropServices;

namespace Parley.Engine.Backends.Cuda.Driver;

#pragma warning disable SA1300, IDE1006 // the C names, so the declarations can be checked against cuda.h by eye

internal static unsafe partial class CuDriver
{
    private const string Library = CudaLibrarySpec.DriverImport;

    [LibraryImport(Library)] public static partial int cuInit(uint flags);

    // Bracket what a profiler started with collection off (ncu --profile-from-start off) records; no-ops otherwise.
    [LibraryImport(Library)] public static partial int cuProfilerStart();
    [LibraryImport(Library)] public static partial int cuProfilerStop();
    [LibraryImport(Library)] public static partial int cuDriverGetVersion(int* version);
    [LibraryImport(Library)] public static partial int cuGetErrorName(int result, byte** name);

    [LibraryImport(Library)] public static partial int cuDeviceGetCount(int* count);
    [LibraryImport(Library)] public static partial int cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Library)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Library)] public static partial int cuDeviceGetAttribute(int* value, int attribute, int device);
    [LibraryImport(Library, EntryPoint = "cuDeviceTotalMem_v2")] public static partial int cuDeviceTotalMem(nuint* bytes, int device);

    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] public static partial int cuDevicePrimaryCtxRelease(int device);
    [LibraryImport(Library)] public static partial int cuCtxSetCurrent(nint context);
    [LibraryImport(Library)] public static partial int cuCtxSynchronize();

    [LibraryImport(Library, EntryPoint = "cuMemGetInfo_v2")] public static partial int cuMemGetInfo(nuint* free, nuint* total);
    [LibraryImport(Library, EntryPoint = "cuMemAlloc_v2")] public static partial int cuMemAlloc(ulong* pointer, nuint bytes);
    [LibraryImport(Library, EntryPoint = "cuMemFree_v2")] public static partial int cuMemFree(ulong pointer);
    [LibraryImport(Library, EntryPoint = "cuMemAllocHost_v2")] public static partial int cuMemAllocHost(void** pointer, nuint bytes);
    [LibraryImport(Library)] public static partial int cuMemFreeHost(void* pointer);
    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoDAsync_v2")] public static partial int cuMemcpyHtoDAsync(ulong destination, void* source, nuint bytes, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoHAsync_v2")] public static partial int cuMemcpyDtoHAsync(void* destination, ulong source, nuint bytes, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoDAsync_v2")] public static partial int cuMemcpyDtoDAsync(ulong destination, ulong source, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuMemsetD8Async(ulong destination, byte value, nuint count, nint stream);

    [LibraryImport(Library)] public static partial int cuStreamCreate(nint* stream, uint flags);
    [LibraryImport(Library, EntryPoint = "cuStreamDestroy_v2")] public static partial int cuStreamDestroy(nint stream);
    [LibraryImport(Library)] public static partial int cuStreamSynchronize(nint stream);


    [LibraryImport(Library)] public static partial int cuModuleLoadData(nint* module, void* image);
    [LibraryImport(Library)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Library)] public static partial int cuModuleGetFunction(nint* function, nint module, byte* name);
    [LibraryImport(Library)]
    public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, nint stream, void** parameters, void** extra);

    [LibraryImport(Library, EntryPoint = "cuStreamBeginCapture_v2")] public static partial int cuStreamBeginCapture(nint stream, int mode);
    [LibraryImport(Library)] public static partial int cuStreamEndCapture(nint stream, nint* graph);
    [LibraryImport(Library)] public static partial int cuGraphInstantiateWithFlags(nint* executable, nint graph, ulong flags);
    [LibraryImport(Library)] public static partial int cuGraphLaunch(nint executable, nint stream);
    [LibraryImport(Library)] public static partial int cuGraphExecDestroy(nint executable);
    [LibraryImport(Library)] public static partial int cuGraphDestroy(nint graph);
}

// NVRTC, the runtime CUDA C++ compiler, as nvrtc.h declares it. Strings cross as pointers to NUL-terminated UTF-8
// that the caller pins, so nothing is marshalled behind the caller's back.
using System.Runtime.InteropServices;

namespace Parley.Engine.Backends.Cuda.Driver;

#pragma warning disable SA1300, IDE1006 // the C names

internal static unsafe partial class Nvrtc
{
    public const int Success = 0;

    // NVRTC_ERROR_INVALID_OPTION: what nvrtcCompileProgram answers for an architecture this NVRTC does not know.
    public const int InvalidOption = 5;
    private const string Library = CudaLibrarySpec.NvrtcImport;

    [LibraryImport(Library)] public static partial int nvrtcVersion(int* major, int* minor);
    [LibraryImport(Library)] public static partial byte* nvrtcGetErrorString(int result);
    [LibraryImport(Library)]
    public static partial int nvrtcCreateProgram(nint* program, byte* source, byte* name, int headerCount, byte** headers, byte** includeNames);
    [LibraryImport(Library)] public static partial int nvrtcCompileProgram(nint program, int optionCount, byte** options);
    [LibraryImport(Library)] public static partial int nvrtcGetProgramLogSize(nint program, nuint* size);
    [LibraryImport(Library)] public static partial int nvrtcGetProgramLog(nint program, byte* log);
    [LibraryImport(Library)] public static partial int nvrtcGetPTXSize(nint program, nuint* size);
    [LibraryImport(Library)] public static partial int nvrtcGetPTX(nint program, byte* ptx);
    // NVRTC 11.1 and newer: machine code for a real architecture (--gpu-architecture=sm_XX).
    [LibraryImport(Library)] public static partial int nvrtcGetCUBINSize(nint program, nuint* size);

    // NVRTC 11.2 and newer: the architectures it compiles for (major × 10 + minor), ascending.
    [LibraryImport(Library)] public static partial int nvrtcGetNumSupportedArchs(int* count);
    [LibraryImport(Library)] public static partial int nvrtcGetSupportedArchs(int* architectures);
    [LibraryImport(Library)] public static partial int nvrtcGetCUBIN(nint program, byte* cubin);
    [LibraryImport(Library)] public static partial int nvrtcDestroyProgram(nint* program);
}

// What an emulated kernel module (a shared object built by nvrtc.cpp from a kernel file and emu_device.h) and the
// emulated driver (driver.cpp) agree on: each kernel N exports `parley_emu_kernel_N`, returning its KernelInfo.
#pragma once
#include <stddef.h>

struct dim3 { unsigned x, y, z; };

namespace emu {

// Kernel parameters by pointer, as cuLaunchKernel passes them, and the typed call that unpacks them.
using Entry = void (*)(void* kernel, void** args);

struct KernelInfo
{
    Entry entry;
    void* kernel;
    int parameter_count;
    const size_t* parameter_sizes;   // parameter_count sizes, in bytes, in parameter order
    void (*run)(Entry, void*, void**, dim3 grid, dim3 block);
};

using KernelInfoFunction = const KernelInfo* (*)();

} // namespace emu

#define PARLEY_EMU_KERNEL_PREFIX "parley_emu_kernel_"

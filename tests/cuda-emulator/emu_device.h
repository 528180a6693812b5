// The CUDA execution model on a CPU, for kernels compiled by the emulated NVRTC (nvrtc.cpp) as plain C++. Included
// before the kernel's own source; everything is header-only because each kernel file becomes its own shared object.
//
// A grid runs block after block. Each block's threads are fibers on one OS thread, each with its own stack, switched
// by a few instructions of assembly (swapcontext would make a system call per switch). Warps run one at a time and each
// as far as it can before the next starts, the schedule most hostile to a missing __syncthreads: without it, warp 0
// reads shared memory the other warps have not written yet, every time. A fiber runs until it waits:
//   __syncthreads()   waits until every live thread of the block has arrived (threads that returned count as arrived,
//                     as on the hardware);
//   __shfl_*_sync()   waits until every live lane of its warp (32 threads) has arrived, then reads the source lane's
//                     value: warps move in lockstep through shuffles, as on the hardware;
//   __syncwarp()      the same wait, with no value moved.
// Waits that can never complete (half a warp at a shuffle, the other half at a block barrier) stop the process with a
// message: on a GPU they are undefined behaviour. `__shared__` variables are static: one block runs at a time in the
// whole process (the emulated driver launches under one lock), so they are the running block's shared memory. There
// is no dynamic shared memory because no Parley kernel uses it.
#pragma once
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <type_traits>
#include <utility>
#include <vector>
#include "emu_abi.h"
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

struct uint3 { unsigned x, y, z; };

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static

namespace emu {

// Saves the callee-saved registers and the stack pointer into *from, loads them from to, returns there (System V).
extern "C" void parley_emu_switch(void** from, void* to);
asm(R"(
    .text
    .hidden parley_emu_switch
    .globl parley_emu_switch
    .type parley_emu_switch, @function
parley_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size parley_emu_switch, .-parley_emu_switch
)");

enum State { Runnable, AtBlockBarrier, AtWarpBarrier, Done };

struct Fiber
{
    void* sp;
    State state;
    uint3 tid;
    void* stack_bottom;   // the lowest address of its stack, for AddressSanitizer's stack bounds
};

struct Block
{
    uint3 block_idx;
    dim3 block_dim, grid_dim;
    Fiber* current = nullptr;
    void* scheduler_sp = nullptr;
    Entry entry = nullptr;
    void* kernel = nullptr;
    void** args = nullptr;
    std::vector<Fiber> fibers;
    std::vector<unsigned> warp_generation;   // [warps]: shuffles completed by each warp
    std::vector<uint64_t> exchange;          // [warps][2][32]: lane values, double-buffered by generation
    const void* scheduler_stack = nullptr;   // the launching thread's stack bounds, for AddressSanitizer
    size_t scheduler_stack_size = 0;
};

inline Block* current_block = nullptr;

constexpr size_t StackBytes = 64 * 1024;

// Fiber stacks for up to 1,024 threads, made once and reused by every block.
inline unsigned char* stacks(size_t count)
{
    static unsigned char* memory = nullptr;
    static size_t capacity = 0;
    if (capacity < count)
    {
        if (memory) munmap(memory, capacity * StackBytes);
        memory = (unsigned char*)mmap(nullptr, count * StackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) { fprintf(stderr, "parley-emu: cannot map fiber stacks\n"); abort(); }
        capacity = count;
    }
    return memory;
}

// AddressSanitizer must be told of every stack switch, or it checks a fiber's frames against the launching thread's
// stack bounds. Use-after-return detection stays off (detect_stack_use_after_return=0), so no fake stacks are kept.
// A fiber that starts or resumes learns the scheduler's stack bounds from the switch (the stack it came from); the
// scheduler, resuming, has no use for the fiber's.
inline void entered_fiber(Block& block)
{
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(nullptr, &block.scheduler_stack, &block.scheduler_stack_size);
#else
    (void)block;
#endif
}

inline void entered_scheduler()
{
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
}

inline void leaving_for(const void* bottom, size_t size)
{
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_start_switch_fiber(nullptr, bottom, size);
#else
    (void)bottom;
    (void)size;
#endif
}

inline void yield(State state)
{
    Block* block = current_block;
    Fiber* self = block->current;
    self->state = state;
    leaving_for(block->scheduler_stack, block->scheduler_stack_size);
    parley_emu_switch(&self->sp, block->scheduler_sp);
    entered_fiber(*block);
}

[[noreturn]] inline void fiber_main()
{
    Block* block = current_block;
    entered_fiber(*block);
    block->entry(block->kernel, block->args);
    yield(Done);
    abort();
}

inline unsigned warp_size(const Block& block, size_t warp)
{
    size_t threads = block.fibers.size();
    return (unsigned)(threads - warp * 32 < 32 ? threads - warp * 32 : 32);
}

// True when every live lane of the warp waits at a shuffle (and at least one does): the shuffle completes.
inline bool warp_arrived(const Block& block, size_t warp)
{
    bool waiting = false;
    for (size_t lane = 0; lane < warp_size(block, warp); lane++)
    {
        State state = block.fibers[warp * 32 + lane].state;
        if (state == AtWarpBarrier) waiting = true;
        else if (state != Done) return false;
    }
    return waiting;
}

// Runs one warp until none of its lanes can go on: at a completed shuffle its lanes continue at once.
inline void run_warp(Block& block, size_t warp, size_t& live)
{
    for (;;)
    {
        for (size_t lane = 0; lane < warp_size(block, warp); lane++)
        {
            Fiber& fiber = block.fibers[warp * 32 + lane];
            if (fiber.state != Runnable) continue;
            block.current = &fiber;
            leaving_for(fiber.stack_bottom, StackBytes);
            parley_emu_switch(&block.scheduler_sp, fiber.sp);
            entered_scheduler();
            if (fiber.state == Done) live--;
        }
        if (!warp_arrived(block, warp)) return;
        block.warp_generation[warp]++;
        for (size_t lane = 0; lane < warp_size(block, warp); lane++)
            if (block.fibers[warp * 32 + lane].state == AtWarpBarrier) block.fibers[warp * 32 + lane].state = Runnable;
    }
}

// Once every warp is stuck: the block barrier completes when every live thread waits at it; anything else is a deadlock.
inline bool release_block_barrier(Block& block)
{
    bool any = false;
    for (Fiber& fiber : block.fibers)
    {
        if (fiber.state == AtBlockBarrier) any = true;
        else if (fiber.state != Done) return false;
    }
    if (any)
        for (Fiber& fiber : block.fibers)
            if (fiber.state == AtBlockBarrier) fiber.state = Runnable;
    return any;
}

inline void run_block(Block& block)
{
    size_t threads = (size_t)block.block_dim.x * block.block_dim.y * block.block_dim.z;
    unsigned char* memory = stacks(threads);
    block.fibers.assign(threads, Fiber{});
    block.warp_generation.assign((threads + 31) / 32, 0);
    block.exchange.assign(block.warp_generation.size() * 64, 0);
    for (size_t i = 0; i < threads; i++)
    {
        Fiber& fiber = block.fibers[i];
        fiber.tid = { (unsigned)(i % block.block_dim.x), (unsigned)(i / block.block_dim.x % block.block_dim.y),
                      (unsigned)(i / ((size_t)block.block_dim.x * block.block_dim.y)) };
        fiber.state = Runnable;
        fiber.stack_bottom = memory + i * StackBytes;
        // The first switch "returns" into fiber_main with the stack aligned as after a call. Stack tops are staggered
        // by 64-byte steps: tops 64 KiB apart would all fall in one L1 cache set and evict each other at every switch.
        void** top = (void**)(memory + (i + 1) * StackBytes - (i % 64) * 64);
        *--top = nullptr;
        *--top = (void*)&fiber_main;
        for (int r = 0; r < 6; r++) *--top = nullptr;
        fiber.sp = top;
    }

    size_t live = threads;
    while (live > 0)
    {
        for (size_t warp = 0; warp < block.warp_generation.size(); warp++) run_warp(block, warp, live);
        if (live > 0 && !release_block_barrier(block))
        {
            fprintf(stderr, "parley-emu: deadlock in block (%u,%u,%u): threads wait at different barriers (a shuffle in divergent code?)\n",
                block.block_idx.x, block.block_idx.y, block.block_idx.z);
            abort();
        }
    }
}

inline void run_grid(Entry entry, void* kernel, void** args, dim3 grid, dim3 block_dim)
{
    Block block;
    block.block_dim = block_dim;
    block.grid_dim = grid;
    block.entry = entry;
    block.kernel = kernel;
    block.args = args;
    Block* outer = current_block;
    current_block = &block;
    for (unsigned z = 0; z < grid.z; z++)
        for (unsigned y = 0; y < grid.y; y++)
            for (unsigned x = 0; x < grid.x; x++)
            {
                block.block_idx = { x, y, z };
                run_block(block);
            }
    current_block = outer;
}

template <class T>
inline T shuffle(T value, int source_of(int lane, int argument), int argument)
{
    static_assert(sizeof(T) <= 8, "shuffles move at most 64 bits");
    Block* block = current_block;
    size_t linear = (size_t)(block->current - block->fibers.data());
    size_t warp = linear / 32;
    int lane = (int)(linear % 32);
    uint64_t* buffer = &block->exchange[(warp * 2 + (block->warp_generation[warp] & 1)) * 32];
    uint64_t bits = 0;
    memcpy(&bits, &value, sizeof(T));
    buffer[lane] = bits;
    yield(AtWarpBarrier);
    int source = source_of(lane, argument);
    if (source < 0 || source >= (int)warp_size(*block, warp)) source = lane;
    T result;
    memcpy(&result, &buffer[source], sizeof(T));
    return result;
}

inline int lane_xor(int lane, int mask) { return lane ^ mask; }
inline int lane_down(int lane, int delta) { return lane + delta < 32 ? lane + delta : lane; }
inline int lane_up(int lane, int delta) { return lane - delta >= 0 ? lane - delta : lane; }
inline int lane_index(int, int source) { return source & 31; }

template <class F> struct Launcher;
template <class... A> struct Launcher<void (*)(A...)>
{
    template <size_t... I>
    static void call(void (*kernel)(A...), void** args, std::index_sequence<I...>)
    {
        kernel(*static_cast<std::remove_cv_t<A>*>(args[I])...);
    }

    static void entry(void* kernel, void** args) { call(reinterpret_cast<void (*)(A...)>(kernel), args, std::index_sequence_for<A...>{}); }

    static constexpr int count = (int)sizeof...(A);

    static const size_t* sizes()
    {
        static const size_t values[] = { sizeof(A)..., 0 };
        return values;
    }
};

template <class F>
inline KernelInfo make_info(F kernel)
{
    return { &Launcher<F>::entry, reinterpret_cast<void*>(kernel), Launcher<F>::count, Launcher<F>::sizes(), &run_grid };
}

} // namespace emu

#define threadIdx (::emu::current_block->current->tid)
#define blockIdx (::emu::current_block->block_idx)
#define blockDim (::emu::current_block->block_dim)
#define gridDim (::emu::current_block->grid_dim)

inline void __syncthreads() { ::emu::yield(::emu::AtBlockBarrier); }
// A warp barrier is a shuffle that moves nothing: every live lane of the warp arrives before any goes on.
inline void __syncwarp(unsigned = 0xffffffffu) { ::emu::yield(::emu::AtWarpBarrier); }
template <class T> inline T __shfl_xor_sync(unsigned, T value, int mask, int = 32) { return ::emu::shuffle(value, ::emu::lane_xor, mask); }
template <class T> inline T __shfl_down_sync(unsigned, T value, unsigned delta, int = 32) { return ::emu::shuffle(value, ::emu::lane_down, (int)delta); }
template <class T> inline T __shfl_up_sync(unsigned, T value, unsigned delta, int = 32) { return ::emu::shuffle(value, ::emu::lane_up, (int)delta); }
template <class T> inline T __shfl_sync(unsigned, T value, int source, int = 32) { return ::emu::shuffle(value, ::emu::lane_index, source); }
template <class T> inline T atomicAdd(T* address, T value) { T old = *address; *address = old + value; return old; }

inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
inline float __uint_as_float(unsigned u) { float f; memcpy(&f, &u, 4); return f; }
inline int __float_as_int(float f) { int i; memcpy(&i, &f, 4); return i; }
inline unsigned __float_as_uint(float f) { unsigned u; memcpy(&u, &f, 4); return u; }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __expf(float x) { return expf(x); }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }

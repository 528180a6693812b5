// The NVRTC C ABI over g++: a "compiled" kernel file is a shared object built from the same source as C++, behind
// emu_device.h (the CUDA execution model on fibers). The "PTX" it returns names that shared object; the emulated
// driver loads it. Objects are cached by a hash of everything that goes into them, so only the first run compiles.
// A compile error comes back as NVRTC_ERROR_COMPILATION with g++'s messages as the program log, as NVRTC's would.
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <atomic>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>
#include "emu_abi.h"

namespace {

enum Result { Success = 0, OutOfMemory = 1, InvalidInput = 3, InvalidProgram = 4, Compilation = 6 };

struct Program
{
    std::string source, name, log, image;
};

std::string own_directory()
{
    Dl_info info{};
    dladdr((void*)&own_directory, &info);
    std::string path = info.dli_fname ? info.dli_fname : "./libnvrtc-emu.so";
    return path.substr(0, path.rfind('/'));
}

uint64_t fnv1a(const std::string& text, uint64_t hash = 1469598103934665603ull)
{
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    return hash;
}

std::string read_file(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

std::vector<std::string> kernel_names(const std::string& source)
{
    static const std::regex entry(R"(extern\s+"C"\s+__global__\s+void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?(\w+)\s*\()");
    std::vector<std::string> names;
    for (auto it = std::sregex_iterator(source.begin(), source.end(), entry); it != std::sregex_iterator(); ++it) names.push_back((*it)[1]);
    return names;
}

std::string quoted(const std::string& text) { return "'" + std::regex_replace(text, std::regex("'"), "'\\''") + "'"; }

Result compile(Program& program, const std::vector<std::string>& options)
{
    std::string directory = own_directory();
    const char* configured = getenv("PARLEY_EMU_CACHE");
    std::string cache = configured && *configured ? configured : directory + "/kernels";
    mkdir(cache.c_str(), 0755);
    const char* compiler = getenv("PARLEY_EMU_CXX");
    std::string cxx = compiler && *compiler ? compiler : "g++";
    const char* extra = getenv("PARLEY_EMU_CXXFLAGS");   // e.g. -fsanitize=address for a checked build
    std::string flags = std::string("-std=c++17 -O2 -fPIC -shared -fno-strict-aliasing -w ") + (extra ? extra : "");

    std::string defines;
    for (const std::string& option : options)
        if (option.rfind("-D", 0) == 0) defines += " " + quoted(option);

    std::string unit = "#include \"emu_device.h\"\n#line 1 \"" + program.name + "\"\n" + program.source + "\n";
    for (const std::string& name : kernel_names(program.source))
        unit += "extern \"C\" const emu::KernelInfo* " PARLEY_EMU_KERNEL_PREFIX + name + "() { static const emu::KernelInfo info = emu::make_info(&" + name +
                "); return &info; }\n";

    uint64_t hash = fnv1a(unit + flags + defines + cxx);
    hash = fnv1a(read_file(directory + "/emu_device.h") + read_file(directory + "/emu_abi.h"), hash);
    char key[17];
    snprintf(key, sizeof key, "%016llx", (unsigned long long)hash);
    std::string stem = program.name.substr(0, program.name.rfind('.'));
    std::string object = cache + "/" + stem + "-" + key + ".so";
    program.image = "// parley emulated CUDA module\n.emu " + object + "\n";
    if (access(object.c_str(), R_OK) == 0) return Success;

    // Unique per compile, not per process: two threads of one process may compile the same file at the same moment.
    static std::atomic<unsigned> compiles{0};
    std::string pid = std::to_string(getpid()) + "-" + std::to_string(compiles.fetch_add(1));
    std::string source_path = cache + "/" + stem + "-" + key + "." + pid + ".cpp", temporary = object + "." + pid + ".tmp", log_path = source_path + ".log";
    std::ofstream(source_path) << unit;
    std::string command = cxx + " " + flags + defines + " -I" + quoted(directory) + " -o " + quoted(temporary) + " " + quoted(source_path) + " > " +
                          quoted(log_path) + " 2>&1";
    int status = system(command.c_str());
    program.log = read_file(log_path);
    unlink(log_path.c_str());
    unlink(source_path.c_str());
    if (status != 0)
    {
        unlink(temporary.c_str());
        if (program.log.empty()) program.log = "the C++ compiler (" + cxx + ") failed to run";
        return Compilation;
    }
    rename(temporary.c_str(), object.c_str());   // whole or not at all, for processes compiling the same file at once
    return Success;
}

} // namespace

extern "C" {

int nvrtcVersion(int* major, int* minor)
{
    // Not a real NVRTC version, so a PTX cache never mixes emulated modules with real PTX.
    *major = 0;
    *minor = 1;
    return Success;
}

const char* nvrtcGetErrorString(int result)
{
    switch (result)
    {
    case Success: return "NVRTC_SUCCESS";
    case OutOfMemory: return "NVRTC_ERROR_OUT_OF_MEMORY";
    case InvalidInput: return "NVRTC_ERROR_INVALID_INPUT";
    case InvalidProgram: return "NVRTC_ERROR_INVALID_PROGRAM";
    case Compilation: return "NVRTC_ERROR_COMPILATION";
    default: return "NVRTC_ERROR_INTERNAL_ERROR";
    }
}

int nvrtcCreateProgram(void** program, const char* source, const char* name, int, const char* const*, const char* const*)
{
    if (!program || !source) return InvalidInput;
    *program = new Program{ source, name && *name ? name : "default_program.cu", "", "" };
    return Success;
}

int nvrtcCompileProgram(void* handle, int option_count, const char* const* options)
{
    if (!handle) return InvalidProgram;
    std::vector<std::string> list;
    for (int i = 0; i < option_count; i++) list.emplace_back(options[i]);
    return compile(*(Program*)handle, list);
}

int nvrtcGetProgramLogSize(void* handle, size_t* size)
{
    if (!handle) return InvalidProgram;
    *size = ((Program*)handle)->log.size() + 1;
    return Success;
}

int nvrtcGetProgramLog(void* handle, char* log)
{
    if (!handle) return InvalidProgram;
    const std::string& text = ((Program*)handle)->log;
    memcpy(log, text.c_str(), text.size() + 1);
    return Success;
}

int nvrtcGetPTXSize(void* handle, size_t* size) { return nvrtcGetProgramLogSize(handle, size) == Success ? (*size = ((Program*)handle)->image.size() + 1, Success) : InvalidProgram; }

int nvrtcGetPTX(void* handle, char* image)
{
    if (!handle) return InvalidProgram;
    const std::string& text = ((Program*)handle)->image;
    memcpy(image, text.c_str(), text.size() + 1);
    return Success;
}

// The emulated device is every architecture at once: the CUBIN is the same module as the PTX.
int nvrtcGetCUBINSize(void* handle, size_t* size) { return nvrtcGetPTXSize(handle, size); }
int nvrtcGetCUBIN(void* handle, char* image) { return nvrtcGetPTX(handle, image); }

int nvrtcGetNumSupportedArchs(int* count) { *count = 2; return Success; }

int nvrtcGetSupportedArchs(int* architectures)
{
    architectures[0] = 80;
    architectures[1] = 90;
    return Success;
}

int nvrtcDestroyProgram(void** program)
{
    if (!program) return InvalidInput;
    delete (Program*)*program;
    *program = nullptr;
    return Success;
}

} // extern "C"

// parley-gpu-tests parity   CUDA-vs-CPU parity on tiny models of every architecture and dtype; exit 1 on any failure
//                           (--quick: the prefill check of each model only; --model NAME, repeatable: those models only)
// parley-gpu-tests bench    decode and prefill speed on random models of real shapes, as one table
// parley-gpu-tests kernels  each kernel alone on real shapes: time, bytes per call, GB/s beside the device's peak
//                           (--tiny: small shapes, one launch each, for the emulated CUDA)
// parley-gpu-tests profile  one forward pass between cuProfilerStart/Stop, for ncu --profile-from-start off
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Gpu.Tests;

try
{
    return args.FirstOrDefault() switch
    {
        "parity" => Parity(args[1..]),
        "bench" => CudaBench.Run(args.Skip(1).ToArray()),
        "kernels" => KernelBench.Run(args.Skip(1).ToArray()),
        "profile" => StepProfile.Run(args.Skip(1).ToArray()),
        _ => Usage(),
    };
}
catch (CudaUnavailableException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

static int Parity(string[] args)
{
    var models = args.Select((arg, i) => (arg, i)).Where(a => a.arg == "--model").Select(a => a.i + 1 < args.Length ? args[a.i + 1] : "").ToArray();
    var unknown = models.Where(model => !ParityChecks.ModelNames.Contains(model)).ToArray();
    if (unknown.Length > 0)
    {
        Console.Error.WriteLine($"unknown model '{unknown[0]}'; the models are: {string.Join(", ", ParityChecks.ModelNames.Select(name => $"'{name}'"))}");
        return 64;
    }

    return ParityChecks.Run(quick: args.Contains("--quick"), models);
}

static int Usage()
{
    Console.Error.WriteLine("usage: parley-gpu-tests parity [--quick] [--model NAME]... | bench [--all | --tiny] | kernels [--tiny] | profile MODEL STEP");
    return 64;
}

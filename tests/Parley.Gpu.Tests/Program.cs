// parley-gpu-tests parity   CUDA-vs-CPU parity on tiny models of every architecture and dtype; exit 1 on any failure
//                           (--quick: the prefill check of each model only)
// parley-gpu-tests bench    decode and prefill speed on random models of real shapes, as one table
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Gpu.Tests;

try
{
    return args.FirstOrDefault() switch
    {
        "parity" => ParityChecks.Run(quick: args.Contains("--quick")),
        "bench" => CudaBench.Run(args.Skip(1).ToArray()),
        _ => Usage(),
    };
}
catch (CudaUnavailableException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: parley-gpu-tests parity [--quick] | bench [--all | --tiny]");
    return 64;
}

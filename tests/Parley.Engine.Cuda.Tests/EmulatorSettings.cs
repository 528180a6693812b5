// Tests that change the emulated device's settings (its environment, through CudaEmulator.Override) run alone, after
// the parallel ones.
namespace Parley.Engine.Cuda.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EmulatorSettings
{
    public const string Name = "emulated device settings";
}

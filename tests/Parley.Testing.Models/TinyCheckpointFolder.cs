// The one temporary tiny checkpoint of the tests: TinyModel's random weights with a real architecture, written into a
// folder of its own and deleted with it. Suites open backends or workers on Path with their own settings.
using Parley.Engine.Models;

namespace Parley.Testing.Models;

/// <summary>A tiny random checkpoint in a temporary folder, deleted on dispose.</summary>
public sealed class TinyCheckpointFolder : IDisposable
{
    /// <param name="spec">The model's shape; a default two-layer qwen2 in bf16 when null.</param>
    /// <param name="seed">Draws the weights: the same seed gives the same checkpoint.</param>
    public TinyCheckpointFolder(TinyModelSpec? spec = null, int seed = 1)
    {
        Spec = spec ?? new TinyModelSpec();
        TinyModel.Write(Path, Spec, seed);
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("parley-model-").FullName;

    public TinyModelSpec Spec { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // A test that removed it itself.
        }
    }
}

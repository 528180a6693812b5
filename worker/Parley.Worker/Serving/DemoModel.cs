// `--model demo`: a small random checkpoint written on first use, so the whole stack (API, UI, metrics, operator)
// runs on any machine. Its weights are random: it answers fluently in nonsense, and says so nowhere but here and in
// the README.
using Parley.Engine.Models;

namespace Parley.Worker.Serving;

/// <summary>The built-in demo model.</summary>
public static class DemoModel
{
    public const string Name = "demo";

    public static readonly TinyModelSpec Spec = new()
    {
        ModelType = "qwen2", HiddenSize = 256, IntermediateSize = 512, NumHiddenLayers = 4, NumAttentionHeads = 8, NumKeyValueHeads = 4,
        MaxPositionEmbeddings = 4096, Dtype = SafetensorsDtype.BF16,
    };

    /// <summary>The demo checkpoint folder under <paramref name="root"/>, written when missing.</summary>
    public static string Ensure(string root)
    {
        var folder = Path.Combine(root, "parley-demo");
        if (!File.Exists(Path.Combine(folder, Checkpoint.SingleFile)))
        {
            var staging = folder + $".{Environment.ProcessId}.tmp";
            TinyModel.Write(staging, Spec, seed: 42);
            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (File.Exists(Path.Combine(folder, Checkpoint.SingleFile)))
            {
                Directory.Delete(staging, recursive: true); // another worker wrote it first
            }
        }

        return folder;
    }
}

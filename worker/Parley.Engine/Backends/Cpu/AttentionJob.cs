// Attention for every (query block, KV head) pair of a batch, split over the gang. A query block is up to 16
// consecutive tokens of one sequence: a decode token alone (PagedAttention, which keeps a row of scores as long as the
// context), or part of a prefill chunk (PrefillAttention, which reads each cache block once for the whole block of
// queries). Each token reads its sequence's block table up to its own position, which is causal masking without a mask.
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Backends.Cpu;

/// <summary>Paged attention for one layer of a batch.</summary>
internal sealed unsafe class AttentionJob : IRangeJob, IDisposable
{
    private readonly ThreadGang _gang;
    private readonly PagedKvCache _cache;
    private readonly int _queryHeads;
    private readonly int _groupSize;
    private readonly int _maxContext;
    private readonly NativeBuffer[] _scores;
    private readonly NativeBuffer[] _blockScratch;
    private readonly int[] _blockFirstToken; // [query blocks] the first token of each block of this batch
    private readonly int[] _blockTokenCount; // [query blocks]
    private int _blockCount;
    private ForwardBatch? _batch;
    private float* _queries;
    private float* _output;
    private int _layer;

    public AttentionJob(ThreadGang gang, PagedKvCache cache, int queryHeads, int maxContext, int maxTokens)
    {
        _gang = gang;
        _cache = cache;
        _queryHeads = queryHeads;
        _groupSize = queryHeads / cache.KvHeads;
        _maxContext = maxContext;
        // Per thread: scores of one group of query heads against the longest context.
        _scores = Enumerable.Range(0, gang.ThreadCount).Select(_ => new NativeBuffer((long)_groupSize * maxContext)).ToArray();
        _blockScratch = Enumerable.Range(0, gang.ThreadCount).Select(_ => new NativeBuffer(PrefillAttention.ScratchLength(_groupSize))).ToArray();
        _blockFirstToken = new int[maxTokens];
        _blockTokenCount = new int[maxTokens];
    }

    /// <summary>output[t] = attention of queries[t] ([tokens, queryHeads, headDim]) over the cache of layer <paramref name="layer"/>.</summary>
    public void Run(ForwardBatch batch, int layer, float* queries, float* output)
    {
        _batch = batch;
        _layer = layer;
        _queries = queries;
        _output = output;
        SplitIntoQueryBlocks(batch);
        _gang.Run(this, _blockCount * _cache.KvHeads, 1);
        _batch = null;
    }

    // Without fast tiles (no AVX-512) every token is its own block and takes PagedAttention.
    private void SplitIntoQueryBlocks(ForwardBatch batch)
    {
        var blockTokens = TileDot.IsFast ? PrefillAttention.MaxQueryTokens : 1;
        _blockCount = 0;
        foreach (var sequence in batch.Sequences)
        {
            for (var t = 0; t < sequence.TokenCount; t += blockTokens)
            {
                _blockFirstToken[_blockCount] = sequence.TokenOffset + t;
                _blockTokenCount[_blockCount] = Math.Min(blockTokens, sequence.TokenCount - t);
                _blockCount++;
            }
        }
    }

    public void Run(int begin, int end, int worker, int next)
    {
        var batch = _batch!;
        var tokenStride = _queryHeads * _cache.HeadDim;
        for (var item = begin; item < end; item++)
        {
            int block = item / _cache.KvHeads, kvHead = item % _cache.KvHeads;
            int token = _blockFirstToken[block], tokens = _blockTokenCount[block];
            var sequence = batch.Sequences[batch.SequenceOfToken[token]];
            var context = batch.Positions[token] + tokens;
            if (context > _maxContext)
            {
                throw new InvalidOperationException($"Position {context - 1} is beyond the backend's maximum context of {_maxContext}.");
            }

            var offset = (long)token * tokenStride + kvHead * _groupSize * _cache.HeadDim;
            if (tokens == 1)
            {
                PagedAttention.Compute(_queries + offset, _cache.Keys(_layer), _cache.Values(_layer), sequence.BlockTable, context,
                    kvHead, _cache, _groupSize, _scores[worker].Pointer, _output + offset);
            }
            else
            {
                PrefillAttention.Compute(_queries + offset, tokenStride, tokens, batch.Positions[token], _cache.Keys(_layer), _cache.Values(_layer),
                    sequence.BlockTable, kvHead, _cache, _groupSize, _blockScratch[worker].Pointer, _output + offset);
            }
        }
    }

    public void Dispose()
    {
        foreach (var scores in _scores.Concat(_blockScratch))
        {
            scores.Dispose();
        }
    }
}

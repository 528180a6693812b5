// Attention for every (token, KV head) pair of a batch, split over the gang: each pair reads its sequence's block
// table up to its own position, which is causal masking without a mask.
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
    private ForwardBatch? _batch;
    private float* _queries;
    private float* _output;
    private int _layer;

    public AttentionJob(ThreadGang gang, PagedKvCache cache, int queryHeads, int maxContext)
    {
        _gang = gang;
        _cache = cache;
        _queryHeads = queryHeads;
        _groupSize = queryHeads / cache.KvHeads;
        _maxContext = maxContext;
        // Per thread: scores of one group of query heads against the longest context.
        _scores = Enumerable.Range(0, gang.ThreadCount).Select(_ => new NativeBuffer((long)_groupSize * maxContext)).ToArray();
    }

    /// <summary>output[t] = attention of queries[t] ([tokens, queryHeads, headDim]) over the cache of layer <paramref name="layer"/>.</summary>
    public void Run(ForwardBatch batch, int layer, float* queries, float* output)
    {
        _batch = batch;
        _layer = layer;
        _queries = queries;
        _output = output;
        _gang.Run(this, batch.TokenCount * _cache.KvHeads, 1);
        _batch = null;
    }

    public void Run(int begin, int end, int worker)
    {
        var batch = _batch!;
        var tokenStride = _queryHeads * _cache.HeadDim;
        for (var item = begin; item < end; item++)
        {
            int token = item / _cache.KvHeads, kvHead = item % _cache.KvHeads;
            var sequence = batch.Sequences[batch.SequenceOfToken[token]];
            var context = batch.Positions[token] + 1;
            if (context > _maxContext)
            {
                throw new InvalidOperationException($"Position {context - 1} is beyond the backend's maximum context of {_maxContext}.");
            }

            var offset = (long)token * tokenStride + kvHead * _groupSize * _cache.HeadDim;
            PagedAttention.Compute(_queries + offset, _cache.Keys(_layer), _cache.Values(_layer), sequence.BlockTable, context,
                kvHead, _cache, _groupSize, _scores[worker].Pointer, _output + offset);
        }
    }

    public void Dispose()
    {
        foreach (var scores in _scores)
        {
            scores.Dispose();
        }
    }
}

// One parallel matrix product over the output rows of up to three weights that read the same input (q, k and v; gate
// and up): their rows are numbered end to end and split between the gang's threads in one call. Weights whose tiles
// read the activations in a form of their own (PreparedActivations: rounded to bf16, interleaved) get x in that form
// once here, before the product starts (the preparation itself split between the threads, by token rows or inputs).
using System.Diagnostics;
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Backends.Cpu;

/// <summary>y = W·x for one or more weights sharing x, spread over a <see cref="ThreadGang"/>.</summary>
internal sealed unsafe class LinearJob : IRangeJob
{
    // Enough rows per chunk to amortise taking it; few enough that every thread gets several.
    private const int MinimumRowsPerChunk = 8;
    private const int ChunksPerThread = 8;

    // With several tokens a chunk is one block of tiles: each weight splits its rows into blocks that stay in L2
    // (CpuLinear.TileBlockRows) and prefetches each next one while it computes the last, and the last block of a chunk
    // prefetches the first of the chunk its thread takes next (the next in its share of the gang's chunks), so only a
    // thread's first block of a product waits on memory. Chunks of 8 blocks, taken from one shared counter, left every
    // chunk's first block waiting; with the shares, one-block chunks let the threads even out at the end to one block
    // (Qwen2-0.5B at 16 sequences, two Emerald Rapids cores, three runs alternating: bf16 163.5-164.1 -> 164.6-165.0
    // tok/s, f16 178.5-179.2 -> 181.2-182.2). A multiple of 8 rows (two 4-row tiles, one GPTQ 8-output tile); at least
    // 8 chunks per thread keep both cores busy to the end when a product is small: with 4, Qwen2-0.5B's q, k and v
    // together (1,152 rows, chunks of one block, 144 rows) left a thread idle for up to a block at the end, and took
    // 178-180 GFLOP/s against 186-197 in chunks of 72 rows (o: 179-196 against 196-202; 16 sequences, bf16, three
    // runs each, alternating). Llama-3.2-1B's blocks (64 rows) are smaller than either share, so it is unchanged.
    private const int TileBlocksPerChunk = 1;
    private const int TileChunksPerThread = 8;
    private const int TileChunkAlignment = 8;

    // Inputs a unit of the interleaving's work (PrepareRows), so that its split between threads is by whole cache lines.
    private const int InterleavedColumns = 64;

    private readonly ThreadGang _gang;
    private readonly ProductTimer? _timer;
    private readonly RowsJob _preparing;
    private readonly CpuLinear?[] _weights = new CpuLinear?[3];
    private readonly nint[] _outputs = new nint[3];
    private readonly int[] _strides = new int[3];
    private readonly int[] _fetched; // per thread: the item its last run prefetched, or -1
    private int _count;
    private int _rows;
    private int _chunk;
    private float* _x;
    private void* _prepared;
    private readonly AlignedScratch _preparedStore = new();
    private int _tokens;
    private bool _accumulate;
    private PreparedActivations _preparedForm;

    public LinearJob(ThreadGang gang, ProductTimer? timer = null)
    {
        _gang = gang;
        _timer = timer;
        _fetched = new int[gang.ThreadCount];
        _preparing = new RowsJob(gang, PrepareRows);
    }

    /// <summary>Computes y = W·x (or y += W·x) for one weight.</summary>
    public void Run(float* x, int tokens, bool accumulate, CpuLinear weight, float* y, int yStride)
    {
        Begin(x, tokens, accumulate);
        Add(weight, y, yStride);
        Execute();
    }

    /// <summary>Computes y_i = W_i·x for several weights at once.</summary>
    public void Run(float* x, int tokens, CpuLinear first, float* firstY, CpuLinear second, float* secondY, CpuLinear? third = null, float* thirdY = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        Begin(x, tokens, accumulate: false);
        Add(first, firstY, first.OutFeatures);
        Add(second, secondY, second.OutFeatures);
        if (third is not null)
        {
            Add(third, thirdY, third.OutFeatures);
        }

        Execute();
    }

    // Each run of one weight's rows prefetches, while its last block computes, the first block of what the thread
    // multiplies next: the next weight's rows in the same chunk, else the chunk the gang gave it next.
    public void Run(int begin, int end, int worker, int next)
    {
        var isFetched = _fetched[worker] == begin;
        _fetched[worker] = next;
        var offset = 0;
        for (var i = 0; i < _count && begin < end; i++)
        {
            var weight = _weights[i]!;
            var segmentEnd = offset + weight.OutFeatures;
            if (begin < segmentEnd)
            {
                var last = Math.Min(end, segmentEnd);
                var then = last < end ? last : next;
                byte* thenStart = null;
                var thenBytes = then >= 0 ? BlockAt(then, last < end ? end : Math.Min(next + _chunk, _rows), out thenStart) : 0;
                var links = new RunLinks(isFetched, thenStart, thenBytes);
                weight.MultiplyRows(_x, _prepared, _tokens, (float*)_outputs[i], _strides[i], begin - offset, last - offset, _accumulate, links);
                isFetched = last < end;
                begin = last;
            }

            offset = segmentEnd;
        }
    }

    // The first block of the rows from item (numbered end to end over the weights) up to limit, within its weight.
    private long BlockAt(int item, int limit, out byte* start)
    {
        var offset = 0;
        for (var i = 0; i < _count; i++)
        {
            var weight = _weights[i]!;
            if (item < offset + weight.OutFeatures)
            {
                return weight.BlockAt(item - offset, Math.Min(limit, offset + weight.OutFeatures) - offset, out start);
            }

            offset += weight.OutFeatures;
        }

        start = null;
        return 0;
    }

    private void Begin(float* x, int tokens, bool accumulate)
    {
        Array.Fill(_fetched, -1);
        _x = x;
        _tokens = tokens;
        _accumulate = accumulate;
        _count = 0;
    }

    private void Add(CpuLinear weight, float* y, int yStride)
    {
        _weights[_count] = weight;
        _outputs[_count] = (nint)y;
        _strides[_count] = yStride;
        _count++;
    }

    private void Execute()
    {
        _rows = 0;
        for (var i = 0; i < _count; i++)
        {
            _rows += _weights[i]!.OutFeatures;
        }

        PrepareActivations();
        var alignment = 1;
        for (var i = 0; i < _count; i++)
        {
            alignment = Math.Max(alignment, _weights[i]!.RowAlignment);
        }

        _chunk = _tokens > 1 ? TileChunk(_rows, alignment) : Aligned(Math.Max(MinimumRowsPerChunk, _rows / (_gang.ThreadCount * ChunksPerThread)), alignment);
        var started = _timer is null ? 0 : Stopwatch.GetTimestamp();
        _gang.Run(this, _rows, _chunk);
        _timer?.Add(_weights[0]!.InFeatures, _rows, _tokens, started);
        Array.Clear(_weights);
    }

    // _prepared = x in the form the weights read it, else null. Weights that read a form at all read the same one
    // (those of one job share a dtype). The scratch (float32, holding any form; aligned, AlignedScratch) only grows: a
    // step allocates nothing once the largest product has run.
    private void PrepareActivations()
    {
        var form = Cpu.PreparedActivations.None;
        for (var i = 0; i < _count; i++)
        {
            var wanted = _weights[i]!.PreparedActivations;
            if (wanted != Cpu.PreparedActivations.None && form != Cpu.PreparedActivations.None && wanted != form)
            {
                throw new InvalidOperationException($"Weights multiplied together read their activations as {form} and as {wanted}.");
            }

            form = wanted == Cpu.PreparedActivations.None ? form : wanted;
        }

        _prepared = null;
        if (form == Cpu.PreparedActivations.None)
        {
            return;
        }

        // One token's activations interleaved are themselves: only rounding them needs the pass.
        if (form == Cpu.PreparedActivations.Interleaved && _tokens == 1)
        {
            _prepared = _x;
            return;
        }

        var input = _weights[0]!.InFeatures;
        var count = (long)_tokens * input;
        var floats = form switch
        {
            Cpu.PreparedActivations.Float32 => _tokens * (long)BFloat16WidenedDot.Stride(input),
            Cpu.PreparedActivations.Interleaved or Cpu.PreparedActivations.RoundedInterleaved => count,
            _ => (count + 1) / 2, // bf16: two a float
        };
        _prepared = _preparedStore.Rent(floats);
        _preparedForm = form;
        if (form is Cpu.PreparedActivations.Interleaved or Cpu.PreparedActivations.RoundedInterleaved)
        {
            // Split by inputs: every token tile's columns are written together.
            _preparing.Run((input + InterleavedColumns - 1) / InterleavedColumns, InterleavedColumns * _tokens);
        }
        else
        {
            _preparing.Run(_tokens, input);
        }
    }

    // Rows [begin, end) of the preparation's work: token rows of x rounded, or groups of InterleavedColumns inputs
    // interleaved, into _prepared.
    private void PrepareRows(int begin, int end)
    {
        var input = _weights[0]!.InFeatures;
        switch (_preparedForm)
        {
            case Cpu.PreparedActivations.BFloat16:
                BFloat16Dot.Round(_x + (long)begin * input, (ushort*)_prepared + (long)begin * input, (long)(end - begin) * input);
                break;
            case Cpu.PreparedActivations.Interleaved or Cpu.PreparedActivations.RoundedInterleaved:
                WeightPanels.Interleave(_x, (float*)_prepared, input, _tokens, begin * InterleavedColumns, Math.Min(input, end * InterleavedColumns),
                    round: _preparedForm == Cpu.PreparedActivations.RoundedInterleaved);
                break;
            default:
                var stride = BFloat16WidenedDot.Stride(input);
                BFloat16WidenedDot.RoundSplit(_x + (long)begin * input, (float*)_prepared + (long)begin * stride, input, end - begin);
                break;
        }
    }

    private int TileChunk(int rows, int alignment)
    {
        var blocks = (long)_weights[0]!.TileBlockRows * TileBlocksPerChunk;
        var balanced = rows / (_gang.ThreadCount * TileChunksPerThread);
        return Aligned((int)Math.Min(blocks, balanced), Math.Max(TileChunkAlignment, alignment));
    }

    // Chunks begin where the weights' stored groups of rows do (CpuLinear.RowAlignment), so none is cut in two.
    private static int Aligned(int rows, int alignment) => Math.Max(alignment, rows / alignment * alignment);
}

// A linear layer's weight [out, in] as the CPU backend reads it: y = W·x for a range of output rows, so a ThreadGang
// can split the rows of one or several layers (q, k and v together) between cores. Dense weights are read in place
// from the checkpoint's memory in their stored dtype, row by row or rearranged into panels (PanelLinear).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu;

/// <summary>A weight matrix [OutFeatures, InFeatures] that multiplies activation rows.</summary>
internal abstract unsafe class CpuLinear(int inFeatures, int outFeatures)
{
    public int InFeatures { get; } = inFeatures;
    public int OutFeatures { get; } = outFeatures;

    // A block of tiles keeps its weight rows in about a quarter of one core's L2 (1 MiB on Zen 4, 1-2 MiB on Intel
    // server cores), so that they are read from memory once and reused by every token tile, in a multiple of 8 rows
    // (two 4-row tiles, one GPTQ 8-output tile).
    private const long TileBlockBytes = 256 * 1024;
    private const int TileBlockAlignment = 8;

    /// <summary>Bytes of one weight row as the tiles read it, which decide how many rows a block of tiles keeps in cache.</summary>
    public abstract long BytesPerRow { get; }

    /// <summary>Rows a run of rows should begin at a multiple of: the rows the weight stores together (PanelLinear's
    /// panels), which a run cutting them through computes twice.</summary>
    public virtual int RowAlignment => 1;

    /// <summary>Rows of one block of tiles: the rows a product of several tokens reads from memory once and reuses from L2.</summary>
    public int TileBlockRows
    {
        get
        {
            var alignment = Math.Max(TileBlockAlignment, RowAlignment);
            return (int)Math.Max(alignment, TileBlockBytes / Math.Max(1, BytesPerRow) / alignment * alignment);
        }
    }

    /// <summary>The form in which the products read the activations, which LinearJob then prepares once for all its
    /// threads (the native bf16 kernels: rounded, BFloat16Dot as bf16, BFloat16WidenedDot as float32; the f16 panels:
    /// interleaved).</summary>
    public virtual PreparedActivations PreparedActivations => PreparedActivations.None;

    /// <summary>y[t, r] = (or +=) W[r, :]·x[t, :] for rows r in [<paramref name="rowBegin"/>, <paramref name="rowEnd"/>) and tokens t.</summary>
    /// <param name="x">[tokenCount, InFeatures] activations.</param>
    /// <param name="prepared">x in the form <see cref="PreparedActivations"/> names; null when it is None.</param>
    /// <param name="tokenCount">Activation rows.</param>
    /// <param name="y">Output; token t's row starts at y + t·<paramref name="yStride"/>.</param>
    /// <param name="yStride">Floats between output rows.</param>
    /// <param name="rowBegin">First weight row.</param>
    /// <param name="rowEnd">One past the last weight row.</param>
    /// <param name="accumulate">Add to y (a residual) instead of overwriting it.</param>
    /// <param name="links">What the thread ran before and runs after these rows; the native tiles use them to keep the
    /// memory busy across runs.</param>
    public abstract void MultiplyRows(float* x, void* prepared, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate, RunLinks links = default);

    /// <summary>The memory of the first block of tiles of a run of rows from <paramref name="row"/> to at most
    /// <paramref name="rowLimit"/>, for the run before it to prefetch: 0 bytes where the products read no weight rows
    /// in place (GPTQ, managed f16 blocks).</summary>
    public virtual long BlockAt(int row, int rowLimit, out byte* start)
    {
        start = null;
        return 0;
    }

    /// <summary>Refuses f16 values the fast widening cannot represent (Float16Row).</summary>
    public static void RequireFinite(TensorInfo tensor, byte* data)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!Float16Row.AllFinite(new ReadOnlySpan<ushort>(data, checked((int)tensor.ElementCount))))
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' holds inf or NaN values; the checkpoint is damaged.");
        }
    }

    /// <summary>A dense bf16, f16 or f32 weight read in place.</summary>
    /// <param name="tensor">The weight's tensor.</param>
    /// <param name="data">Its bytes.</param>
    /// <param name="native">The weight types whose products may use the native kernels where the CPU runs them: bf16
    /// with activations rounded to bf16 through AVX-512 BF16 (BFloat16Dot) or widened to float32 (BFloat16WidenedDot),
    /// f16 widened by AVX-512 (Float16Dot); the widened ones (bf16 and f16) in panels where <paramref name="rearrangeable"/>.</param>
    /// <param name="rearrangeable">Whether the weight's memory is the caller's own, read no other way, so that bf16 and
    /// f16 weights may be rearranged into panels in place (PanelLinear, WeightPanels).</param>
    public static CpuLinear Dense(TensorInfo tensor, byte* data, NativeProducts native, bool rearrangeable = false)
    {
        var panels = TakesPanels(rearrangeable);
        ArgumentNullException.ThrowIfNull(tensor);
        int rows = checked((int)tensor.Shape[0]), columns = checked((int)tensor.Shape[1]);
        if (tensor.Dtype == SafetensorsDtype.F16)
        {
            RequireFinite(tensor, data);
        }

        return tensor.Dtype switch
        {
            SafetensorsDtype.BF16 when BFloat16Family(native) == NativeTileFamily.BFloat16Widened && panels => new PanelLinear(PanelDtype.BFloat16, data, columns, rows),
            SafetensorsDtype.BF16 => new DenseLinear<BFloat16Row>(data, columns, rows, BFloat16Family(native)),
            SafetensorsDtype.F16 when native.HasFlag(NativeProducts.Float16) && panels => new PanelLinear(PanelDtype.Float16, data, columns, rows),
            SafetensorsDtype.F16 => new DenseLinear<Float16Row>(data, columns, rows, native.HasFlag(NativeProducts.Float16) && Float16Dot.IsAvailable ? NativeTileFamily.Float16 : NativeTileFamily.None),
            SafetensorsDtype.F32 => new DenseLinear<Float32Row>(data, columns, rows, NativeTileFamily.None),
            _ => throw new NotSupportedException($"Tensor '{tensor.Name}' is {tensor.Dtype}; dense weights must be BF16, F16 or F32."),
        };
    }

    /// <summary>Whether the widened native products (f16, bf16 widened) take their weights in panels: where their memory
    /// is the caller's own (<paramref name="rearrangeable"/>) and the CPU runs the panel kernels.</summary>
    public static bool TakesPanels(bool rearrangeable) => rearrangeable && WeightPanels.IsAvailable;

    // VDPBF16PS where it was asked for and the CPU has it, else the widened tiles where they were asked for.
    private static NativeTileFamily BFloat16Family(NativeProducts native) =>
        native.HasFlag(NativeProducts.BFloat16Dot) && BFloat16Dot.IsAvailable ? NativeTileFamily.BFloat16Dot
        : native.HasFlag(NativeProducts.BFloat16Widened) && BFloat16WidenedDot.IsAvailable ? NativeTileFamily.BFloat16Widened
        : NativeTileFamily.None;
}

/// <summary>A dense weight of element type <typeparamref name="TRow"/>, row-major [out, in]; with a native
/// <c>family</c> (bf16 and f16) its products use those kernels (BFloat16Dot, BFloat16WidenedDot, Float16Dot).</summary>
internal sealed unsafe class DenseLinear<TRow>(byte* weights, int inFeatures, int outFeatures, NativeTileFamily family) : CpuLinear(inFeatures, outFeatures)
    where TRow : struct, IWeightRow
{
    // Every bf16 product, one token or many, so that a token's outputs never depend on what else is in its batch.
    public override PreparedActivations PreparedActivations => family switch
    {
        NativeTileFamily.BFloat16Dot => PreparedActivations.BFloat16,
        NativeTileFamily.BFloat16Widened => PreparedActivations.Float32,
        _ => PreparedActivations.None,
    };

    // The managed tiles read f16 blocks widened to float32 (MultiplyTiles), so their cache footprint is that of f32.
    public override long BytesPerRow => (long)InFeatures * (typeof(TRow) == typeof(Float16Row) && family == NativeTileFamily.None ? sizeof(float) : TRow.ElementSize);

    public override void MultiplyRows(float* x, void* prepared, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate, RunLinks links = default)
    {
        if (family == NativeTileFamily.BFloat16Dot)
        {
            MultiplyNative<BFloat16Tiles>((byte*)Require(prepared), tokenCount, y, yStride, rowBegin, rowEnd, accumulate, links);
        }
        else if (family == NativeTileFamily.BFloat16Widened)
        {
            MultiplyNative<BFloat16WidenedTiles>((byte*)Require(prepared), tokenCount, y, yStride, rowBegin, rowEnd, accumulate, links);
        }
        else if (family == NativeTileFamily.Float16)
        {
            MultiplyNative<Float16Tiles>((byte*)x, tokenCount, y, yStride, rowBegin, rowEnd, accumulate, links);
        }
        else if (tokenCount > 1 && TileDot.IsFast)
        {
            MultiplyTiles(x, tokenCount, y, yStride, rowBegin, rowEnd, accumulate);
        }
        else
        {
            MultiplyEachRow(x, tokenCount, y, yStride, rowBegin, rowEnd, accumulate);
        }
    }

    // The native tiles read the rows in place; the managed f16 tiles read blocks widened to float32, not the rows.
    public override long BlockAt(int row, int rowLimit, out byte* start)
    {
        if (family == NativeTileFamily.None)
        {
            return base.BlockAt(row, rowLimit, out start);
        }

        var rowBytes = (long)InFeatures * TRow.ElementSize;
        start = weights + row * rowBytes;
        return Math.Clamp(rowLimit - row, 0, TileBlockRows) * rowBytes;
    }

    private static void* Require(void* prepared) =>
        prepared != null ? prepared : throw new ArgumentNullException(nameof(prepared), "The native bf16 products read the activations rounded to bf16 (CpuLinear.PreparedActivations).");

    // Decode's loop in its own method, never inlined, so that the JIT optimises it from its own profile and not from a
    // first prefill's, which never runs it (a suspected cause of decode measured slower once prefill took the tiles).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MultiplyEachRow(float* x, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate)
    {
        var rowBytes = (long)InFeatures * TRow.ElementSize;
        for (var r = rowBegin; r < rowEnd; r++)
        {
            var w = weights + r * rowBytes;
            var t = 0;
            for (; t + 4 <= tokenCount; t += 4)
            {
                var sums = RowDot.Four<TRow>(w, x + (long)t * InFeatures, InFeatures, InFeatures);
                for (var j = 0; j < 4; j++)
                {
                    Store(y + (long)(t + j) * yStride + r, sums.GetElement(j), accumulate);
                }
            }

            for (; t < tokenCount; t++)
            {
                Store(y + (long)t * yStride + r, RowDot.One<TRow>(w, x + (long)t * InFeatures, InFeatures), accumulate);
            }
        }
    }

    // The native tiles (BFloat16Dot, BFloat16WidenedDot, Float16Dot) in the order of the managed ones below: blocks of
    // rows that stay in L2, token tiles outside, row tiles inside. A block nothing prefetched (a thread's first of a
    // product) is read from memory by its first token tile, each tile asking for its own rows a few KiB ahead of its
    // reads; the token tiles over a block already in L2 bring in the next block meanwhile, each tile spreading its share
    // of it between its own steps. Shared by all three token tiles rather than the later two, the prefetches came at a
    // gentler pace: Qwen2-0.5B's lm_head at 16 sequences went from 205-207 to 210-212 GFLOP/s and the step from
    // 188.3-189.5 to 188.7-192.6 tok/s (bf16, three runs each, alternating; Llama-3.2-1B within noise). Issued from
    // the managed loop instead, a burst of prefetches after each tile, they stalled on the core's outstanding misses
    // (11% of a 16-sequence step's samples) and the step stayed bound by memory and arithmetic added together:
    // Qwen2-0.5B bf16 at 16 sequences went from 103-104 tok/s (two runs) to 123-134 (three) on two Emerald Rapids cores.
    // Up to 6 tokens (one token tile, nothing reused from L2) take tiles of 4 rows, like more tokens do. They once took
    // tiles of one row, a single sequential stream, because tiles of 4 rows interleave four that two Zen 4 cores read at
    // less than half the rate (4 sequences: 57 -> 84-92 tok/s there). Since each tile asks for its own rows ahead of its
    // reads, the streams no longer wait on the hardware prefetcher, and a one-row tile holds too few sums to hide its
    // multiply-adds' latency: on two Emerald Rapids cores Qwen2-0.5B at 4 sequences went from 62-64 to 80-82 tok/s (bf16)
    // and 79-80 to 85-88 (f16), at 2 sequences both stayed within noise, and Llama-3.2-1B moved by -7% to +13% (2 and
    // 4 sequences, bf16 gaining, f16 within noise; runs alternating, two each).
    // The first token tile over the first block of a call of several token tiles, where the thread's run before did not
    // prefetch it (RunLinks: its first chunk of a product), still takes one row at a time where rows are shorter than a
    // page: Qwen2-0.5B's q, k, v and o (rows of 1,792 bytes) split into calls of one block each, and 16 sequences went
    // from 199-200 to 217-224 tok/s; Llama-3.2-1B's rows of 4 KiB and more, whose runs the hardware prefetcher follows,
    // went from 98 to 91-93, so they keep the 4-row tiles (both measured on Zen 4, before the tiles prefetched).
    private const long ShortRowBytes = 4096;

    // Rows longer than SegmentedRowLength are walked in segments of SegmentLength weights, each token tile over a block
    // taking every row tile through one segment before the next, so that the segment's activations (6 tokens x 1,024
    // float32, 24 KiB) stay in L1 while the row tiles pass; a tile carries its sums from one segment to the next
    // (RowSegment), and the outputs are bit for bit those of one pass. A token tile's whole rows of activations (6 x
    // 4,864 float32, 114 KiB, for Qwen2-0.5B's down) came from L2 for every row tile instead, competing there with the
    // weights streaming in: in a C++ model of two threads streaming rows of 4,864 bf16 weights, 181-201 GFLOP/s in one
    // pass against 225-227 in segments (three rounds each); with the weights in L2 the segments cost 2-6%, and at rows of
    // 2,048 they gained nothing clear. In the engine at 16 sequences (`forward --product-times`, runs alternating) down
    // went from 180-187 to 197-202 GFLOP/s for Qwen2-0.5B bf16 (three runs each) and from 184-188 to 194-201 for
    // Llama-3.2-1B bf16 (two each); the f16 downs moved less (Qwen2-0.5B 183-187 to 187-193, Llama-3.2-1B 188-190
    // either way).
    private const int SegmentedRowLength = 2048;
    private const int SegmentLength = 1024;

    // Each thread's partial sums for the row tiles of one block (NativeKernels.PartialSumsPerTile floats a tile).
    [ThreadStatic]
    private static AlignedScratch? t_partialSums;

    private static AlignedScratch PartialSums => t_partialSums ??= new AlignedScratch();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MultiplyNative<TTiles>(byte* x, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate, RunLinks links)
        where TTiles : struct, INativeTiles
    {
        var w = (ushort*)weights;
        if (tokenCount == 1)
        {
            TTiles.Gemv(rowEnd - rowBegin, w + (long)rowBegin * InFeatures, InFeatures, x, InFeatures, y + rowBegin, accumulate);
            return;
        }

        var xStride = TTiles.ActivationStride(InFeatures);
        var xBytes = (long)xStride * TTiles.ActivationBytes;
        var shortRows = (long)InFeatures * sizeof(ushort) < ShortRowBytes;
        var blockRows = TileBlockRows;
        var tiles = (tokenCount + NativeKernels.MaxTokens - 1) / NativeKernels.MaxTokens;
        var segments = InFeatures > SegmentedRowLength ? (InFeatures + SegmentLength - 1) / SegmentLength : 1;
        var partialSums = segments > 1 ? PartialSums.Rent((long)(blockRows + NativeKernels.MaxRows - 1) / NativeKernels.MaxRows * NativeKernels.PartialSumsPerTile) : null;
        for (var begin = rowBegin; begin < rowEnd; begin += blockRows)
        {
            var rows = Math.Min(blockRows, rowEnd - begin);
            var nextRows = Math.Clamp(rowEnd - begin - rows, 0, blockRows);
            var block = w + (long)begin * InFeatures;
            // The next block, or after the last the block this thread multiplies next (the next weight, or its next chunk).
            var next = nextRows > 0 ? (byte*)(block + (long)rows * InFeatures) : links.Next;
            var nextBytes = nextRows > 0 ? (long)nextRows * InFeatures * sizeof(ushort) : links.NextBytes;
            var isFetched = begin > rowBegin || links.IsFirstBlockFetched;
            var firstSharing = isFetched ? 0 : 1;
            var prefetch = new Prefetch(next, tiles > 1 ? nextBytes : 0, (tiles - firstSharing) * segments * rows);
            for (int tile = 0, t = 0; tile < tiles; tile++)
            {
                var count = tokenCount / tiles + (tile < tokenCount % tiles ? 1 : 0);
                // One-row tiles only where rows are short, which are never segmented: the partial sums are per 4-row tile.
                var rowsPerTile = tiles > 1 && shortRows && tile == 0 && !isFetched ? 1 : NativeKernels.MaxRows;
                for (var segment = 0; segment < segments; segment++)
                {
                    var start = segment * SegmentLength;
                    var length = segments == 1 ? InFeatures : Math.Min(SegmentLength, InFeatures - start);
                    var part = segments == 1 ? RowSegment.Whole
                        : segment == 0 ? RowSegment.First
                        : segment == segments - 1 ? RowSegment.Last
                        : RowSegment.Middle;
                    var step = ((tile - firstSharing) * segments + segment) * rows;
                    for (var r = 0; r < rows; r += rowsPerTile)
                    {
                        var tileRows = Math.Min(rowsPerTile, rows - r);
                        long shareBytes = 0;
                        var share = tile >= firstSharing ? prefetch.Slice(step + r, step + r + tileRows, out shareBytes) : null;
                        var sums = partialSums == null ? null : partialSums + r / NativeKernels.MaxRows * NativeKernels.PartialSumsPerTile;
                        TTiles.Tile(tileRows, count, block + (long)r * InFeatures + start, InFeatures, x + t * xBytes + (long)start * TTiles.ActivationBytes, xStride,
                            length, y + begin + r + (long)t * yStride, yStride, accumulate, share, shareBytes, sums, part);
                    }
                }

                t += count;
            }
        }
    }

    // The rows are taken in blocks that fit about a quarter of one core's L2 (TileBlockBytes), each read from memory
    // once and reused from L2 by every token tile. The first token tile over a block waits on memory while the later
    // ones find it in L2, so the later token tiles over a block prefetch the next block into L2, a share per row tile:
    // with 7 to 18 tokens (2 or 3 token tiles) the memory read of one block then overlaps the arithmetic of the one
    // before, instead of adding to it (Qwen2-0.5B's gate and up, rows of 896 weights, 12 and 16 tokens: 20% faster on
    // two Zen 4 cores; rows of 2048 to 8192 weights, whose long runs the hardware prefetcher already follows: within noise).
    //
    // f16 rows widen with four vector operations per 16 weights (.NET exposes no F16C or AVX-512 FP16 conversion), and
    // with them in the loop the JIT (.NET 10) spills a dozen accumulators to the stack on every step of the tile, which
    // left the f16 tile at a third of the bf16 one even for a single token tile (2-6 tokens: 25-57 against 95-150
    // GFLOP/s on two Zen 4 cores). So f16 blocks are always widened once into float32 and the tiles read those.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MultiplyTiles(float* x, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate)
    {
        var rowBytes = (long)InFeatures * TRow.ElementSize;
        var blockRows = TileBlockRows;
        for (var begin = rowBegin; begin < rowEnd; begin += blockRows)
        {
            var rows = Math.Min(blockRows, rowEnd - begin);
            var nextRows = Math.Clamp(rowEnd - begin - rows, 0, blockRows);
            byte* next = weights + (begin + rows) * rowBytes;
            var nextBytes = nextRows * rowBytes;
            if (typeof(TRow) != typeof(Float16Row))
            {
                MultiplyTiles<TRow>(weights + begin * rowBytes, rowBytes, rows, InFeatures, x, tokenCount, y + begin, yStride, accumulate, next, nextBytes);
                continue;
            }

            var length = (long)rows * InFeatures;
            fixed (float* widened = WidenedBlock.Rent(length))
            {
                Float16Row.Widen(weights + begin * rowBytes, length, widened);
                MultiplyTiles<Float32Row>((byte*)widened, (long)InFeatures * sizeof(float), rows, InFeatures, x, tokenCount, y + begin, yStride, accumulate, next, nextBytes);
            }
        }
    }

    // Token tiles outside, row tiles inside: the block of rows stays in L2 while each token tile's activations
    // (at most 6 x 8192 floats, 192 KiB) pass it. Tokens are split into tiles of near-equal size (16 = 6 + 5 + 5), as
    // a tile of one or two tokens widens each weight vector for too few products. Rows past the last full tile of 4
    // (only in shapes smaller than real models) take one dot product each.
    private static void MultiplyTiles<TTile>(byte* w, long rowBytes, int rows, int length, float* x, int tokenCount, float* y, int yStride, bool accumulate, byte* next, long nextBytes)
        where TTile : struct, IWeightRow
    {
        var tiledRows = rows / TileDot.Rows * TileDot.Rows;
        var tiles = (tokenCount + TileDot.MaxTokens - 1) / TileDot.MaxTokens;
        var prefetch = new Prefetch(next, tiles > 1 ? nextBytes : 0, (tiles - 1) * rows);
        for (int tile = 0, t = 0; tile < tiles; tile++)
        {
            var count = tokenCount / tiles + (tile < tokenCount % tiles ? 1 : 0);
            var prefetching = tile > 0;
            var step = (tile - 1) * rows;
            float* xt = x + (long)t * length, yt = y + (long)t * yStride;
            for (var r = 0; r < tiledRows; r += TileDot.Rows)
            {
                TileDot.Multiply<TTile>(count, w + r * rowBytes, rowBytes, xt, length, length, yt + r, yStride, accumulate);
                if (prefetching)
                {
                    prefetch.Share(step + r, step + r + TileDot.Rows);
                }
            }

            for (var r = tiledRows; r < rows; r++)
            {
                for (var j = 0; j < count; j++)
                {
                    Store(yt + (long)j * yStride + r, RowDot.One<TTile>(w + r * rowBytes, xt + (long)j * length, length), accumulate);
                }
            }

            if (prefetching)
            {
                prefetch.Share(step + tiledRows, step + rows);
            }

            t += count;
        }
    }

    private static void Store(float* destination, float value, bool accumulate) => *destination = accumulate ? *destination + value : value;
}

// An f16 or bf16 weight rearranged into panels of 16 rows (WeightPanels), for the native products over them. A tile
// takes up to 16 tokens, so a decode step of up to 16 sequences reads each block of rows once, from memory, and widens
// each weight once (up to 8 tokens, two panels at a time); more tokens (prefill) take tiles of at most 16 over blocks
// of rows kept in L2, the tiles after the first over a block bringing in the next, as DenseLinear's native tiles do. A
// run of rows that begins or ends inside a panel computes the whole panel and stores only its own rows.
using System.Runtime.CompilerServices;
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Backends.Cpu;

/// <summary>An f16 or bf16 [outFeatures, inFeatures] weight in panels (WeightPanels), rearranged in place on construction.</summary>
internal sealed unsafe class PanelLinear : CpuLinear
{
    private readonly ushort* _weights;
    private readonly PanelDtype _dtype;

    /// <param name="dtype">The weights' type.</param>
    /// <param name="weights">The row-major weight, which this rearranges into panels: memory the caller owns and reads
    /// from no other way.</param>
    /// <param name="inFeatures">Columns: the inputs.</param>
    /// <param name="outFeatures">Rows: the outputs.</param>
    public PanelLinear(PanelDtype dtype, byte* weights, int inFeatures, int outFeatures) : base(inFeatures, outFeatures)
    {
        _dtype = dtype;
        _weights = (ushort*)weights;
        WeightPanels.Pack(_weights, outFeatures, inFeatures);
    }

    public override long BytesPerRow => (long)InFeatures * sizeof(ushort);

    public override int RowAlignment => WeightPanels.Lanes;

    // bf16 products round the activations to bf16, one token or many, as every native bf16 product does.
    public override PreparedActivations PreparedActivations =>
        _dtype == PanelDtype.BFloat16 ? PreparedActivations.RoundedInterleaved : PreparedActivations.Interleaved;

    /// <summary>Row <paramref name="row"/> widened to float32 (an embedding tied to this weight).</summary>
    public void WidenRow(int row, Span<float> destination) => WeightPanels.WidenRow(_dtype, _weights, OutFeatures, InFeatures, row, destination);

    public override long BlockAt(int row, int rowLimit, out byte* start)
    {
        start = (byte*)Panel(row / WeightPanels.Lanes);
        return Math.Clamp(rowLimit - row, 0, TileBlockRows) * BytesPerRow;
    }

    public override void MultiplyRows(float* x, void* prepared, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate, RunLinks links = default)
    {
        if (rowBegin >= rowEnd)
        {
            return;
        }

        var activations = prepared != null ? (float*)prepared
            : throw new ArgumentNullException(nameof(prepared), $"The {_dtype} panels read the activations as {PreparedActivations} (CpuLinear.PreparedActivations).");
        if (tokenCount == 1)
        {
            MultiplyOne(activations, y, rowBegin, rowEnd, accumulate);
        }
        else
        {
            MultiplyTiles(activations, tokenCount, y, yStride, rowBegin, rowEnd, accumulate, links);
        }
    }

    private ushort* Panel(int panel) => _weights + (long)panel * WeightPanels.Lanes * InFeatures;

    // The panels' lanes in [rowBegin, rowEnd), as a mask of the panel's 16.
    private static uint Stored(int panel, int rowBegin, int rowEnd)
    {
        var first = panel * WeightPanels.Lanes;
        var from = Math.Max(rowBegin - first, 0);
        var to = Math.Min(rowEnd - first, WeightPanels.Lanes);
        return ((1u << to) - 1) & ~((1u << from) - 1);
    }

    // Whether all 16 rows of the panel are the matrix's and the run's.
    private bool IsWhole(int panel, int rowBegin, int rowEnd) =>
        WeightPanels.LanesOf(panel * WeightPanels.Lanes, OutFeatures) == WeightPanels.Lanes && Stored(panel, rowBegin, rowEnd) == 0xFFFF;

    // Whole panels inside the run in one call (the most of decode's reads), a panel the run cuts on its own.
    private void MultiplyOne(float* x, float* y, int rowBegin, int rowEnd, bool accumulate)
    {
        const int lanes = WeightPanels.Lanes;
        var first = (rowBegin + lanes - 1) / lanes;
        var end = rowEnd / lanes;
        if (first > end)
        {
            // The run lies inside one panel.
            Edge(rowBegin / lanes);
            return;
        }

        if (rowBegin % lanes != 0)
        {
            Edge(first - 1);
        }

        WeightPanels.Gemv(_dtype, end - first, Panel(first), InFeatures, x, y + (long)first * lanes, accumulate);
        if (rowEnd % lanes != 0)
        {
            Edge(end);
        }

        void Edge(int panel) => WeightPanels.Tile(_dtype, WeightPanels.LanesOf(panel * lanes, OutFeatures), 1, Panel(panel), InFeatures, x,
            y + (long)panel * lanes, 0, accumulate, Stored(panel, rowBegin, rowEnd));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MultiplyTiles(float* interleaved, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate, RunLinks links)
    {
        const int lanes = WeightPanels.Lanes;
        var blockPanels = TileBlockRows / lanes;
        var firstPanel = rowBegin / lanes;
        var endPanel = (rowEnd + lanes - 1) / lanes;
        var tiles = WeightPanels.TileCount(tokenCount);
        for (var begin = firstPanel; begin < endPanel; begin += blockPanels)
        {
            var panels = Math.Min(blockPanels, endPanel - begin);
            var nextPanels = Math.Min(blockPanels, endPanel - begin - panels);
            // The next block, or after the last the block this thread multiplies next (the next weight, or its next chunk).
            var next = nextPanels > 0 ? (byte*)Panel(begin + panels) : links.Next;
            var nextBytes = nextPanels > 0 ? (long)Math.Min(nextPanels * lanes, OutFeatures - (begin + panels) * lanes) * BytesPerRow : links.NextBytes;
            var firstSharing = begin > firstPanel || links.IsFirstBlockFetched ? 0 : 1;
            var prefetch = new Prefetch(next, tiles > 1 ? nextBytes : 0, (tiles - firstSharing) * panels);
            for (var tile = 0; tile < tiles; tile++)
            {
                var t = WeightPanels.TileTokens(tokenCount, tile, out var count);
                var x = interleaved + (long)t * InFeatures;
                for (var p = 0; p < panels;)
                {
                    var panel = begin + p;
                    var paired = count <= WeightPanels.MaxPairedTokens && p + 1 < panels && IsWhole(panel + 1, rowBegin, rowEnd) && IsWhole(panel, rowBegin, rowEnd);
                    var width = paired ? 2 : 1;
                    long shareBytes = 0;
                    var step = (tile - firstSharing) * panels + p;
                    var share = tile >= firstSharing ? prefetch.Slice(step, step + width, out shareBytes) : null;
                    var output = y + (long)t * yStride + (long)panel * lanes;
                    if (paired)
                    {
                        WeightPanels.TilePair(_dtype, count, Panel(panel), InFeatures, x, output, yStride, accumulate, share, shareBytes);
                    }
                    else
                    {
                        WeightPanels.Tile(_dtype, WeightPanels.LanesOf(panel * lanes, OutFeatures), count, Panel(panel), InFeatures, x, output, yStride, accumulate,
                            Stored(panel, rowBegin, rowEnd), share, shareBytes);
                    }

                    p += width;
                }
            }
        }
    }
}

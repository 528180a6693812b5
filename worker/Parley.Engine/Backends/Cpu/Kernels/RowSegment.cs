// Which part of its rows a native tile covers when a product walks them in segments, so that each segment's
// activations stay in L1 (DenseLinear.MultiplyNative, dot_tile.h's Partial): the tile's sums carry over from one
// segment to the next in NativeKernels.PartialSumsPerTile floats, lanes and all, so the outputs are bit for bit
// those of one pass over the whole row.
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>The part of a row a tile covers: where its sums start and where they go.</summary>
[Flags]
internal enum RowSegment
{
    /// <summary>The first segment: the sums start from zero and are left in the partial sums.</summary>
    First = 0,

    /// <summary>The sums start from those the previous segment left in the partial sums.</summary>
    Continues = 1,

    /// <summary>The sums are reduced into y (stored, or added to it).</summary>
    Finishes = 2,

    /// <summary>A segment between the first and the last.</summary>
    Middle = Continues,

    /// <summary>The last segment.</summary>
    Last = Continues | Finishes,

    /// <summary>The whole row in one pass, as without partial sums.</summary>
    Whole = Finishes,
}

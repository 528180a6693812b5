// The work between the matrix products (normalising, rotating heads, the gated activation, rounding the activations
// to bf16) is done a token row at a time, each row on its own. Done on the calling thread alone, the gang's other
// threads spun idle meanwhile, so it is split between the gang by rows too. What the products leave of a Qwen2-0.5B
// bf16 step at 16 sequences (`forward --product-times`, two Emerald Rapids cores, runs alternating) went from 6.6-6.7
// to 5.9-6.0 ms with the first three split (four runs each), and from 5.5-6.2 to 5.1-5.4 with the rounding too (six
// runs each; five of the latter's, the sixth 7.9 in one of the machine's slow spells).
namespace Parley.Engine.Backends.Cpu;

/// <summary>An operation on rows [begin, end) of a batch, split between a <see cref="ThreadGang"/>'s threads.</summary>
internal sealed class RowsJob(ThreadGang gang, Action<int, int> rows) : IRangeJob
{
    /// <summary>How many floats a chunk should hold at least: below that, handing a chunk to another thread costs
    /// about what the chunk's work does.</summary>
    public const int MinimumChunkFloats = 4096;

    /// <summary>Rows per chunk for rows of <paramref name="rowFloats"/> floats each.</summary>
    public static int RowsPerChunk(int rowFloats) => Math.Max(1, MinimumChunkFloats / Math.Max(1, rowFloats));

    /// <summary>Runs the operation on rows [0, <paramref name="count"/>) of <paramref name="rowFloats"/> floats each,
    /// in chunks of <see cref="RowsPerChunk"/> rows; as many rows as one chunk or fewer run on the calling thread alone.</summary>
    public void Run(int count, int rowFloats) => gang.Run(this, count, RowsPerChunk(rowFloats));

    void IRangeJob.Run(int begin, int end, int worker, int next) => rows(begin, end);
}

using System.Runtime.InteropServices;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Backends.Cpu;

// The products ask for weights before they read them: the native tiles their own next rows a few KiB ahead, or a
// range their caller names (the next block of rows); the managed row-by-row product (RowDot.One) its next rows. At the
// end of a weight those requests reach past it, and in a memory-mapped checkpoint the next page may not be readable.
// Here the weights end exactly where pages that may not be touched begin, and every product must run without a fault
// and give the bits it gives in ordinary memory with no range named.
public unsafe partial class WeightPrefetchTests
{
    private const int Length = 896;
    private const int Rows = 12;
    private const int Tokens = 6;

    public static TheoryData<string> Families => ["bf16 dot", "bf16 widened", "f16"];

    [Theory]
    [MemberData(nameof(Families))]
    public void WeightsEndingAtAPageThatMayNotBeRead_MultiplyWithoutAFault_BitForBit(string family)
    {
        var (available, status, activationStride) = family switch
        {
            "bf16 dot" => (BFloat16Dot.IsAvailable, BFloat16Dot.Status, Length),
            "bf16 widened" => (BFloat16WidenedDot.IsAvailable, BFloat16WidenedDot.Status, BFloat16WidenedDot.Stride(Length)),
            _ => (Float16Dot.IsAvailable, Float16Dot.Status, Length),
        };
        var random = new Random(11);
        var values = Enumerable.Range(0, Rows * Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var weights = values.Select(v => family == "f16" ? BitConverter.HalfToUInt16Bits((Half)v) : BFloat16Bits.Round(v)).ToArray();
        var activations = Enumerable.Range(0, Tokens * activationStride).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var bf16Activations = activations.Select(BFloat16Bits.Round).ToArray();

        using var guarded = new GuardedPages(weights.Length * sizeof(ushort));
        weights.AsSpan().CopyTo(new Span<ushort>(guarded.Start, weights.Length));

        fixed (ushort* ordinary = weights, xb = bf16Activations)
        fixed (float* xf = activations)
        {
            var x = family == "bf16 dot" ? (byte*)xb : (byte*)xf;
            Product product = (w, tokens, rows, y, prefetch, bytes) => Multiply(family, w, tokens, rows, x, activationStride, y, prefetch, bytes);
            if (!available)
            {
                var start = (nint)guarded.Start;
                var refused = () => product((ushort*)start, 1, 1, new float[Tokens * Rows], null, 0);
                refused.Should().Throw<PlatformNotSupportedException>().WithMessage($"*{status}*");
                return;
            }

            foreach (var (tokens, rows) in new[] { (1, Rows), (Tokens, 1), (Tokens, 4), (3, 4) })
            {
                // The last tile of `rows`: its own requests run past the end; a named range lies wholly past it.
                var last = (long)(Rows - rows) * Length;
                var expected = new float[Tokens * Rows];
                var actual = new float[Tokens * Rows];
                product(ordinary + last, tokens, rows, expected, null, 0);
                product((ushort*)guarded.Start + last, tokens, rows, actual, null, 0);
                actual.Should().Equal(expected, $"{tokens} tokens x {rows} rows of {family}, requesting their own next rows");

                product((ushort*)guarded.Start + last, tokens, rows, actual, guarded.End, GuardedPages.GuardBytes);
                actual.Should().Equal(expected, $"{tokens} tokens x {rows} rows of {family}, requesting a range that may not be read");
            }
        }
    }

    [Fact]
    public void ManagedRowByRowProducts_OfTheLastRowsBeforeAPageThatMayNotBeRead_RunWithoutAFault_BitForBit()
    {
        var random = new Random(12);
        var values = Enumerable.Range(0, Rows * Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var activations = Enumerable.Range(0, Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var bf16 = values.Select(BFloat16Bits.Round).ToArray();
        var f16 = values.Select(v => BitConverter.HalfToUInt16Bits((Half)v)).ToArray();

        fixed (float* x = activations)
        {
            CheckManaged<BFloat16Row>(MemoryMarshal.AsBytes(bf16.AsSpan()), x);
            CheckManaged<Float16Row>(MemoryMarshal.AsBytes(f16.AsSpan()), x);
            CheckManaged<Float32Row>(MemoryMarshal.AsBytes(values.AsSpan()), x);
        }
    }

    private static void CheckManaged<TRow>(ReadOnlySpan<byte> weights, float* x)
        where TRow : struct, IWeightRow
    {
        using var guarded = new GuardedPages(weights.Length);
        weights.CopyTo(new Span<byte>(guarded.Start, weights.Length));
        var rowBytes = Length * TRow.ElementSize;
        fixed (byte* ordinary = weights)
        {
            for (var row = 0; row < Rows; row++)
            {
                var expected = RowDot.One<TRow>(ordinary + row * rowBytes, x, Length);
                RowDot.One<TRow>(guarded.Start + row * rowBytes, x, Length).Should().Be(expected, $"{typeof(TRow).Name} row {row}");
            }
        }
    }

    private delegate void Product(ushort* w, int tokens, int rows, float[] y, byte* prefetch, long prefetchBytes);

    // One token takes the row-by-row product (Gemv) over all its rows, as decode does; more take one tile.
    private static void Multiply(string family, ushort* w, int tokens, int rows, byte* x, int xStride, float[] y, byte* prefetch, long prefetchBytes)
    {
        fixed (float* yp = y)
        {
            switch (family, tokens)
            {
                case ("bf16 dot", 1): BFloat16Dot.Gemv(rows, w, Length, (ushort*)x, Length, yp, accumulate: false); break;
                case ("bf16 dot", _): BFloat16Dot.Tile(rows, tokens, w, Length, (ushort*)x, xStride, Length, yp, Rows, accumulate: false, prefetch, prefetchBytes); break;
                case ("bf16 widened", 1): BFloat16WidenedDot.Gemv(rows, w, Length, (float*)x, Length, yp, accumulate: false); break;
                case ("bf16 widened", _): BFloat16WidenedDot.Tile(rows, tokens, w, Length, (float*)x, xStride, Length, yp, Rows, accumulate: false, prefetch, prefetchBytes); break;
                case (_, 1): Float16Dot.Gemv(rows, w, Length, (float*)x, Length, yp, accumulate: false); break;
                default: Float16Dot.Tile(rows, tokens, w, Length, (float*)x, xStride, Length, yp, Rows, accumulate: false, prefetch, prefetchBytes); break;
            }
        }
    }

    // `bytes` of readable memory that end exactly where GuardBytes of pages that may not be touched begin.
    private sealed partial class GuardedPages : IDisposable
    {
        public const int GuardBytes = 64 * 1024;
        private const int PageSize = 4096;
        private const int ProtectionNone = 0;
        private const int ProtectionReadWrite = 3;
        private const int MapPrivateAnonymous = 0x22;

        private readonly nint _mapping;
        private readonly nuint _length;

        public GuardedPages(long bytes)
        {
            var readable = (bytes + PageSize - 1) / PageSize * PageSize;
            _length = (nuint)(readable + GuardBytes);
            _mapping = Map(0, _length, ProtectionReadWrite, MapPrivateAnonymous, -1, 0);
            if (_mapping == -1 || Protect(_mapping + (nint)readable, GuardBytes, ProtectionNone) != 0)
            {
                throw new InvalidOperationException($"mmap/mprotect failed: errno {Marshal.GetLastPInvokeError()}");
            }

            End = (byte*)_mapping + readable;
            Start = End - bytes;
        }

        public byte* Start { get; }

        public byte* End { get; }

        public void Dispose()
        {
            if (Unmap(_mapping, _length) != 0)
            {
                throw new InvalidOperationException($"munmap failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }

        [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
        private static partial nint Map(nint address, nuint length, int protection, int flags, int file, nint offset);

        [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
        private static partial int Protect(nint address, nuint length, int protection);

        [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
        private static partial int Unmap(nint address, nuint length);
    }
}

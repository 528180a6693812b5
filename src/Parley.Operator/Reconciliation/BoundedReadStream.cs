// A read-only view of a response body that refuses to go past a byte limit, so a worker pod (whose image the tenant
// chooses) cannot make the operator read an unbounded answer into memory.
namespace Parley.Operator.Reconciliation;

/// <summary>Reads at most <paramref name="limit"/> bytes of <paramref name="inner"/>; one more is an <see cref="InvalidDataException"/>.</summary>
public sealed class BoundedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, Math.Min(count, Allowance)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer[..Math.Min(buffer.Length, Allowance)], cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // One byte past the limit is asked for, so that a body of exactly the limit ends normally and a longer one is caught.
    private int Allowance => (int)Math.Min(int.MaxValue, limit - _read + 1);

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new InvalidDataException($"The answer is longer than {limit:N0} bytes.") : read;
    }
}

// A fixed set of threads that split one job's items between them, the caller included. Parallel.For allocates and
// wakes the pool on every call; a decode step makes over a hundred calls (several matrix products per layer), a few
// microseconds apart. So the workers are started once, spin on a generation counter between jobs (a wake-up through
// the kernel costs more than a small job), and fall asleep on a semaphore only after a longer pause.
//
// Each thread owns a contiguous share of a job's chunks and takes them from its front, in order, so that while it runs
// one chunk the job can bring the next one's memory into cache (a matrix product prefetches the next chunk's weight
// rows); a thread whose share is done takes chunks from the back of the largest share left, so that a slow core never
// holds the others back. Taken from one shared counter instead, a thread's chunks alternated with the other's and a
// product could not know which it ran next, and every chunk began by waiting on memory: Qwen2-0.5B at 16 sequences on
// two Emerald Rapids cores went from 156.9-158.6 to 163.8-164.3 tok/s (bf16) and from 175.4-176.1 to 177.4-180.0 (f16)
// with the shares (three runs each, alternating).
namespace Parley.Engine.Backends.Cpu;

/// <summary>Work a <see cref="ThreadGang"/> splits: items [begin, end) run on worker <c>worker</c>, which most likely
/// runs the chunk of items from <c>next</c> after them (-1: none), so a job may prefetch that chunk's memory.</summary>
internal interface IRangeJob
{
    void Run(int begin, int end, int worker, int next);
}

/// <summary>Threads that run one <see cref="IRangeJob"/> at a time.</summary>
internal sealed class ThreadGang : IDisposable
{
    // Longs per cache line: the threads' shares apart, so that taking from one does not evict the others.
    private const int ShareSpacing = 8;

    // About 50 µs of polling before a worker sleeps: longer than the gaps inside a forward pass, far shorter than
    // the gaps between requests.
    private const int SpinsBeforeSleep = 2000;

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _isAsleep;
    private IRangeJob? _job;
    private int _itemCount;
    private int _chunk;
    private readonly long[] _shares; // per thread, a cache line apart: its chunks [front, back), packed as back << 32 | front
    private int _busyWorkers;
    private int _generation;
    private Exception? _failure;
    private volatile bool _isDisposed;

    public ThreadGang(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _shares = new long[threadCount * ShareSpacing];
        _threads = new Thread[threadCount - 1];
        _wake = new SemaphoreSlim[threadCount - 1];
        _isAsleep = new int[threadCount - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            var worker = i + 1;
            _wake[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"parley-cpu-{worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>Threads that run a job, the calling thread included (worker 0).</summary>
    public int ThreadCount { get; }

    /// <summary>Runs <paramref name="job"/> over [0, <paramref name="itemCount"/>) in chunks of at most <paramref name="chunk"/> items; returns when all are done.</summary>
    public void Run(IRangeJob job, int itemCount, int chunk)
    {
        ObjectDisposedException.ThrowIf(_isDisposed, this);
        if (itemCount <= 0)
        {
            return;
        }

        chunk = Math.Max(1, chunk);
        if (_threads.Length == 0 || itemCount <= chunk)
        {
            job.Run(0, itemCount, 0, next: -1);
            return;
        }

        _job = job;
        _itemCount = itemCount;
        _chunk = chunk;
        var chunks = (itemCount + (long)chunk - 1) / chunk;
        for (var worker = 0; worker < ThreadCount; worker++)
        {
            _shares[worker * ShareSpacing] = Pack(chunks * worker / ThreadCount, chunks * (worker + 1) / ThreadCount);
        }

        _failure = null;
        Volatile.Write(ref _busyWorkers, _threads.Length);
        Interlocked.Increment(ref _generation);
        WakeSleepers();
        RunChunks(0);
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _busyWorkers) > 0)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        _job = null;
        if (_failure is { } failure)
        {
            throw new AggregateException("A CPU kernel failed.", failure);
        }
    }

    public void Dispose()
    {
        if (_isDisposed)
        {
            return;
        }

        _isDisposed = true;
        Interlocked.Increment(ref _generation);
        WakeSleepers();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        foreach (var wake in _wake)
        {
            wake.Dispose();
        }
    }

    private void WakeSleepers()
    {
        for (var i = 0; i < _threads.Length; i++)
        {
            if (Interlocked.Exchange(ref _isAsleep[i], 0) == 1)
            {
                _wake[i].Release();
            }
        }
    }

    private void WorkerLoop(int worker)
    {
        // Generation 0 is the constructor's; reading the field here could already see a first job and miss it.
        var seen = 0;
        while (true)
        {
            WaitForGeneration(worker - 1, seen);
            seen = Volatile.Read(ref _generation);
            if (_isDisposed)
            {
                return;
            }

            RunChunks(worker);
            Interlocked.Decrement(ref _busyWorkers);
        }
    }

    // Spin, then sleep. A worker that announced sleep but sees the new generation on its re-check withdraws the
    // announcement; if the caller withdrew it first, a Release is on its way and must be consumed.
    private void WaitForGeneration(int index, int seen)
    {
        for (var spin = 0; spin < SpinsBeforeSleep; spin++)
        {
            if (Volatile.Read(ref _generation) != seen)
            {
                return;
            }

            Thread.SpinWait(20);
        }

        Volatile.Write(ref _isAsleep[index], 1);
        if (Volatile.Read(ref _generation) != seen && Interlocked.Exchange(ref _isAsleep[index], 0) == 1)
        {
            return;
        }

        _wake[index].Wait();
    }

    private static long Pack(long front, long back) => back << 32 | front;

    // The first chunk left in a thread's share, or -1.
    private int Front(int worker)
    {
        var share = Volatile.Read(ref _shares[worker * ShareSpacing]);
        return (int)share < (int)(share >> 32) ? (int)share : -1;
    }

    // Takes the first chunk left in the worker's own share, or gives -1.
    private int TakeFront(int worker)
    {
        ref var slot = ref _shares[worker * ShareSpacing];
        while (true)
        {
            var share = Volatile.Read(ref slot);
            int front = (int)share, back = (int)(share >> 32);
            if (front >= back)
            {
                return -1;
            }

            if (Interlocked.CompareExchange(ref slot, Pack(front + 1, back), share) == share)
            {
                return front;
            }
        }
    }

    // Takes the last chunk of the largest share another thread has left, or gives -1 when every share is done.
    private int TakeBack(int worker)
    {
        while (true)
        {
            var largest = -1;
            var most = 0;
            for (var other = 0; other < ThreadCount; other++)
            {
                var share = Volatile.Read(ref _shares[other * ShareSpacing]);
                var left = (int)(share >> 32) - (int)share;
                if (other != worker && left > most)
                {
                    (largest, most) = (other, left);
                }
            }

            if (largest < 0)
            {
                return -1;
            }

            ref var slot = ref _shares[largest * ShareSpacing];
            var seen = Volatile.Read(ref slot);
            int front = (int)seen, back = (int)(seen >> 32);
            if (front < back && Interlocked.CompareExchange(ref slot, Pack(front, back - 1), seen) == seen)
            {
                return back - 1;
            }
        }
    }

    private void RunChunks(int worker)
    {
        var job = _job!;
        try
        {
            while (true)
            {
                var chunk = TakeFront(worker);
                if (chunk < 0 && (chunk = TakeBack(worker)) < 0)
                {
                    return;
                }

                var next = Front(worker);
                var begin = chunk * _chunk;
                job.Run(begin, Math.Min(_itemCount, begin + _chunk), worker, next >= 0 ? next * _chunk : -1);
            }
        }
#pragma warning disable CA1031 // Any kernel failure is handed to the caller's thread, which rethrows it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _failure, exception, null);
        }
    }
}

// A fixed set of threads that split one job's items between them, the caller included. Parallel.For allocates and
// wakes the pool on every call; a decode step makes over a hundred calls (several matrix products per layer), a few
// microseconds apart. So the workers are started once, spin on a generation counter between jobs (a wake-up through
// the kernel costs more than a small job), fall asleep on a semaphore only after a longer pause, and take chunks of
// items from a shared counter so that a slow core never holds the others back.
namespace Parley.Engine.Backends.Cpu;

/// <summary>Work a <see cref="ThreadGang"/> splits: items [begin, end) run on worker <c>worker</c>.</summary>
internal interface IRangeJob
{
    void Run(int begin, int end, int worker);
}

/// <summary>Threads that run one <see cref="IRangeJob"/> at a time.</summary>
internal sealed class ThreadGang : IDisposable
{
    // About 50 µs of polling before a worker sleeps: longer than the gaps inside a forward pass, far shorter than
    // the gaps between requests.
    private const int SpinsBeforeSleep = 2000;

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _isAsleep;
    private IRangeJob? _job;
    private int _itemCount;
    private int _chunk;
    private int _nextChunk;
    private int _busyWorkers;
    private int _generation;
    private Exception? _failure;
    private volatile bool _isDisposed;

    public ThreadGang(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
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
            job.Run(0, itemCount, 0);
            return;
        }

        _job = job;
        _itemCount = itemCount;
        _chunk = chunk;
        _nextChunk = 0;
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

    private void RunChunks(int worker)
    {
        var job = _job!;
        try
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref _nextChunk) - 1) * (long)_chunk < _itemCount)
            {
                var begin = chunk * _chunk;
                job.Run(begin, Math.Min(_itemCount, begin + _chunk), worker);
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

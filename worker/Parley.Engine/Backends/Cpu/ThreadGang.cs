// A fixed set of threads that split one job's items between them, the caller included. Parallel.For allocates and
// wakes the pool on every call; a decode step makes hundreds of calls (several matrix products per layer), so the
// workers here are started once, park on a semaphore that spins briefly before sleeping, and take chunks of items
// from a shared counter so a slow core never holds the others back.
namespace Parley.Engine.Backends.Cpu;

/// <summary>Work a <see cref="ThreadGang"/> splits: items [begin, end) run on worker <c>worker</c>.</summary>
internal interface IRangeJob
{
    void Run(int begin, int end, int worker);
}

/// <summary>Threads that run one <see cref="IRangeJob"/> at a time.</summary>
internal sealed class ThreadGang : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private IRangeJob? _job;
    private int _itemCount;
    private int _chunk;
    private int _nextChunk;
    private int _busyWorkers;
    private Exception? _failure;
    private volatile bool _isDisposed;

    public ThreadGang(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _threads = new Thread[threadCount - 1];
        _start = new SemaphoreSlim[threadCount - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            var worker = i + 1;
            _start[i] = new SemaphoreSlim(0);
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
        var helpers = Math.Min(_threads.Length, (itemCount + chunk - 1) / chunk - 1);
        Volatile.Write(ref _busyWorkers, helpers);
        for (var i = 0; i < helpers; i++)
        {
            _start[i].Release();
        }

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
        foreach (var start in _start)
        {
            start.Release();
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }

        foreach (var start in _start)
        {
            start.Dispose();
        }
    }

    private void WorkerLoop(int worker)
    {
        var start = _start[worker - 1];
        while (true)
        {
            start.Wait();
            if (_isDisposed)
            {
                return;
            }

            RunChunks(worker);
            Interlocked.Decrement(ref _busyWorkers);
        }
    }

    private void RunChunks(int worker)
    {
        var job = _job!;
        try
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref _nextChunk) - 1) * _chunk < _itemCount)
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

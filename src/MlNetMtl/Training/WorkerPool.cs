using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MlNetMtl.Training;

/// <summary>
/// Runs one piece of work on several threads at once and waits for all of them: part 0 on the calling thread, the
/// others on dedicated background threads. Between rounds a worker, and the caller waiting for the workers, first spins
/// for at most <see cref="DefaultSpinTime"/> — a training step's rounds follow each other closer than that, and a
/// blocked thread takes microseconds to wake (WorkerPoolBenchmarks: a round of two ~50 µs parts with an ~85 µs serial gap
/// after it, 1.01 of the calling thread's time alone when waiting threads block, 0.98 when they spin) — then blocks, so
/// an idle pool takes no processor time. A round allocates nothing.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _starts;
    private readonly CountdownEvent _finished = new(0);
    private readonly Func<bool>[] _started;
    private readonly Func<bool> _allFinished;
    private readonly long _spinTicks;
    private Action<int>? _work;
    private Exception? _failure;
    private bool _disposed;

    /// <summary>How long a waiting thread spins before it blocks, unless the pool is told otherwise.</summary>
    public static readonly TimeSpan DefaultSpinTime = TimeSpan.FromMicroseconds(100);

    /// <param name="workers">Parts a round can run at once, the calling thread included.</param>
    /// <param name="spinTime">How long a waiting thread spins before it blocks (null: <see cref="DefaultSpinTime"/>; zero: it blocks at once).</param>
    public WorkerPool(int workers, TimeSpan? spinTime = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        Workers = workers;
        _spinTicks = (long)((spinTime ?? DefaultSpinTime).TotalSeconds * Stopwatch.Frequency);
        _starts = new SemaphoreSlim[workers - 1];
        _threads = new Thread[workers - 1];
        _started = new Func<bool>[workers - 1];
        _allFinished = () => _finished.IsSet;
        for (int i = 0; i < _threads.Length; i++)
        {
            var start = _starts[i] = new SemaphoreSlim(0);
            _started[i] = () => start.CurrentCount > 0;
            int part = i + 1;
            _threads[i] = new Thread(() => Loop(part)) { IsBackground = true, Name = $"MlNetMtl worker {part}" };
            _threads[i].Start();
        }
    }

    /// <summary>Parts a round can run at once.</summary>
    public int Workers { get; }

    /// <summary>Runs <paramref name="work"/>(0 … <paramref name="parts"/> − 1) at once; rethrows the first failure.</summary>
    public void Run(Action<int> work, int parts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, Workers);
        _work = work;
        _failure = null;
        _finished.Reset(parts - 1);
        for (int part = 1; part < parts; part++)
            _starts[part - 1].Release();
        try
        {
            work(0);
        }
        finally
        {
            SpinUntil(_allFinished);
            _finished.Wait();
            _work = null;
        }
        if (_failure is { } failure)
            ExceptionDispatchInfo.Throw(failure);
    }

    private void Loop(int part)
    {
        var start = _starts[part - 1];
        var started = _started[part - 1];
        while (true)
        {
            SpinUntil(started);
            start.Wait();
            if (_disposed)
                return;
            try
            {
                _work!(part);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }
            finally
            {
                _finished.Signal();
            }
        }
    }

    /// <summary>Spins until <paramref name="done"/> or the spin time has passed (<see cref="SpinWait.SpinUntil(Func{bool}, TimeSpan)"/> counts whole milliseconds and sleeps).</summary>
    private void SpinUntil(Func<bool> done)
    {
        long deadline = Stopwatch.GetTimestamp() + _spinTicks;
        while (!done() && Stopwatch.GetTimestamp() < deadline)
            Thread.SpinWait(20);
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var start in _starts)
            start.Release();
        foreach (var thread in _threads)
            thread.Join();
        foreach (var start in _starts)
            start.Dispose();
        _finished.Dispose();
    }
}

using System.Runtime.ExceptionServices;

namespace MlNetMtl.Training;

/// <summary>
/// Runs one piece of work on several threads at once and waits for all of them: part 0 on the calling thread, the
/// others on dedicated background threads that block (no busy-waiting) between rounds, so a shared machine loses
/// nothing to spinning. A round allocates nothing.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _starts;
    private readonly CountdownEvent _finished = new(0);
    private Action<int>? _work;
    private Exception? _failure;
    private bool _disposed;

    /// <param name="workers">Parts a round can run at once, the calling thread included.</param>
    public WorkerPool(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        Workers = workers;
        _starts = new SemaphoreSlim[workers - 1];
        _threads = new Thread[workers - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _starts[i] = new SemaphoreSlim(0);
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
            _finished.Wait();
            _work = null;
        }
        if (_failure is { } failure)
            ExceptionDispatchInfo.Throw(failure);
    }

    private void Loop(int part)
    {
        var start = _starts[part - 1];
        while (true)
        {
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

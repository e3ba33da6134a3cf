using System.Diagnostics;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class WorkerPoolTests
{
    [Test]
    public void EveryPartRunsOncePerRound_OnItsOwnThread()
    {
        using var pool = new WorkerPool(3);
        for (int round = 0; round < 50; round++)
        {
            var runs = new int[3];
            var threads = new int[3];
            pool.Run(part => { Interlocked.Increment(ref runs[part]); threads[part] = Environment.CurrentManagedThreadId; }, 3);
            Assert.That(runs, Is.EqualTo(new[] { 1, 1, 1 }));
            Assert.That(threads.Distinct().Count(), Is.EqualTo(3));
            Assert.That(threads[0], Is.EqualTo(Environment.CurrentManagedThreadId), "part 0 runs on the caller");
        }
        var fewer = new int[3];
        pool.Run(part => fewer[part]++, 2);
        Assert.That(fewer, Is.EqualTo(new[] { 1, 1, 0 }));
    }

    [Test]
    public void AWorkersFailure_IsRethrown_AndThePoolStaysUsable()
    {
        using var pool = new WorkerPool(2);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Run(part => { if (part == 1) throw new InvalidOperationException("part 1 failed"); }, 2));
        Assert.That(error!.Message, Is.EqualTo("part 1 failed"));
        int sum = 0;
        pool.Run(part => Interlocked.Add(ref sum, part + 1), 2);
        Assert.That(sum, Is.EqualTo(3));
    }

    [Test]
    public void AnIdlePool_TakesNoProcessorTime()
    {
        using var pool = new WorkerPool(2);
        pool.Run(_ => { }, 2); // the worker spins a little after a round, then must block
        Thread.Sleep(50);
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        Thread.Sleep(500);
        var used = Process.GetCurrentProcess().TotalProcessorTime - before;
        Assert.That(used.TotalMilliseconds, Is.LessThan(150), "a worker kept spinning between rounds");
    }

    [Test]
    public void MoreParts_ThanWorkers_AreRejected()
    {
        using var pool = new WorkerPool(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Run(_ => { }, 3));
    }
}

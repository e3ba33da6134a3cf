using System.Globalization;
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
        if (!OperatingSystem.IsLinux())
            Assert.Ignore("reads a thread's processor time from /proc");
        using var pool = new WorkerPool(2);
        string? worker = null;
        pool.Run(part => { if (part == 1) worker = File.ResolveLinkTarget("/proc/thread-self", returnFinalTarget: false)!.FullName; }, 2);
        // The worker spins a little after a round, then must block: its own processor time (not the process's, which
        // the runtime's background compilation and collection share) stays flat while the pool is idle.
        Thread.Sleep(50);
        long before = ProcessorTicks(worker!);
        Thread.Sleep(500);
        long used = ProcessorTicks(worker!) - before;
        Assert.That(used, Is.LessThan(10), "clock ticks (10 ms each) the worker used in 500 ms between rounds: it kept spinning");
    }

    /// <summary>User and system clock ticks of the thread at /proc/PID/task/TID (fields 14 and 15 of its stat, after the name).</summary>
    private static long ProcessorTicks(string thread)
    {
        string stat = File.ReadAllText(Path.Combine(thread, "stat"));
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    [Test]
    public void MoreParts_ThanWorkers_AreRejected()
    {
        using var pool = new WorkerPool(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Run(_ => { }, 3));
    }
}

using MlNetMtl.Training.Distributed;

namespace MlNetMtl.Tests.Training.Distributed;

/// <summary>
/// Processes simulated by threads of one test, for the exchange's logic without MPI: each operation leaves this rank's
/// values in a shared slot, waits for every rank, reads what MPI would deliver, and waits again before the slots are reused.
/// </summary>
internal sealed class ThreadCommunicator(ThreadCommunicator.Hub hub, int rank, TimeSpan? timeout = null) : Communicator(timeout ?? TimeSpan.FromSeconds(60))
{
    /// <summary>What the simulated processes share.</summary>
    internal sealed class Hub(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly object?[] Slots = new object?[size];
    }

    public override int Rank => rank;
    public override int Size => hub.Slots.Length;

    public override void Abort(int exitCode) => throw new InvalidOperationException($"rank {rank} aborted the job with {exitCode}");

    private T[] Exchange<T>(T mine, string what)
    {
        hub.Slots[rank] = mine;
        if (!hub.Barrier.SignalAndWait(Timeout))
            throw new TimeoutException(TimedOut(what));
        var all = hub.Slots.Cast<T>().ToArray();
        hub.Barrier.SignalAndWait(Timeout);
        return all;
    }

    internal override void Broadcast(float[] values, int root, string what) => Exchange(values.ToArray(), what)[root].CopyTo(values, 0);

    internal override void AllToAll(float[] send, int[] sendCounts, float[] receive, int[] receiveCounts, string what)
    {
        var all = Exchange((Values: send.ToArray(), Counts: sendCounts.ToArray()), what);
        int at = 0;
        for (int q = 0; q < Size; q++)
        {
            int from = all[q].Counts.Take(rank).Sum();
            all[q].Values.AsSpan(from, all[q].Counts[rank]).CopyTo(receive.AsSpan(at));
            at += receiveCounts[q];
        }
    }

    internal override void AllGather(float[] mine, int count, float[] all, int[] counts, string what)
    {
        var each = Exchange(mine.AsSpan(0, count).ToArray(), what);
        int at = 0;
        for (int q = 0; q < Size; q++)
        {
            each[q].CopyTo(all, at);
            at += counts[q];
        }
    }

    internal override void AllGather(double[] mine, double[] all, string what)
    {
        var each = Exchange(mine.ToArray(), what);
        for (int q = 0; q < Size; q++)
            each[q].CopyTo(all, q * mine.Length);
    }

    internal override void AllGather(byte[] mine, int count, ref byte[] all, int[] counts, string what)
    {
        var each = Exchange(mine.AsSpan(0, count).ToArray(), what);
        var joined = each.SelectMany(b => b).ToArray();
        if (all.Length < joined.Length)
            all = new byte[joined.Length];
        joined.CopyTo(all, 0);
        for (int q = 0; q < each.Length; q++)
            counts[q] = each[q].Length;
    }
}

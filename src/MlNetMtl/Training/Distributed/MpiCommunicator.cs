using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MlNetMtl.Training.Distributed;

/// <summary>
/// The processes of an MPI job (MPI_COMM_WORLD). Each exchange is one non-blocking MPI collective whose buffers stay pinned
/// until it completes, polled until <see cref="Communicator.Timeout"/>; called from one thread at a time.
/// </summary>
internal sealed class MpiCommunicator : Communicator
{
    private readonly MpiLibrary _mpi;
    private readonly double[] _count = new double[1], _lengths;

    public MpiCommunicator(MpiLibrary mpi, TimeSpan timeout)
        : base(timeout)
    {
        _mpi = mpi;
        Rank = mpi.Rank();
        Size = mpi.Size();
        _lengths = new double[Size];
    }

    public override int Rank { get; }
    public override int Size { get; }

    public override void Abort(int exitCode) => _mpi.Abort(exitCode);

    internal override void Broadcast(float[] values, int root, string what) =>
        Run(what, [values], p => _mpi.Broadcast(p[0], values.Length, _mpi.Float, root));

    internal override void AllToAll(float[] send, int[] sendCounts, float[] receive, int[] receiveCounts, string what)
    {
        int[] sendOffsets = Offsets(sendCounts), receiveOffsets = Offsets(receiveCounts);
        Run(what, [send, sendCounts, sendOffsets, receive, receiveCounts, receiveOffsets], p => _mpi.AllToAll(p[0], p[1], p[2], _mpi.Float, p[3], p[4], p[5]));
    }

    internal override void AllGather(float[] mine, int count, float[] all, int[] counts, string what)
    {
        int[] offsets = Offsets(counts);
        Run(what, [mine, all, counts, offsets], p => _mpi.AllGather(p[0], count, _mpi.Float, p[1], p[2], p[3]));
    }

    internal override void AllGather(double[] mine, double[] all, string what)
    {
        int[] counts = Enumerable.Repeat(mine.Length, Size).ToArray(), offsets = Offsets(counts);
        Run(what, [mine, all, counts, offsets], p => _mpi.AllGather(p[0], mine.Length, _mpi.Double, p[1], p[2], p[3]));
    }

    internal override void AllGather(byte[] mine, int count, ref byte[] all, int[] counts, string what)
    {
        _count[0] = count;
        AllGather(_count, _lengths, what);
        for (int q = 0; q < Size; q++)
            counts[q] = (int)_lengths[q];
        int[] offsets = Offsets(counts);
        if (all.Length < offsets[^1] + counts[^1])
            all = new byte[offsets[^1] + counts[^1]];
        var received = all;
        Run(what, [mine, received, counts, offsets], p => _mpi.AllGather(p[0], count, _mpi.Byte, p[1], p[2], p[3]));
    }

    /// <summary>
    /// Pins <paramref name="arrays"/>, starts the operation on their addresses and polls it to completion or timeout. MPI
    /// moves a non-blocking collective on only while it is tested, so the first second polls without pause (yielding the
    /// core to any other thread between tests) — sleeping between tests, as <see cref="SpinWait"/> soon does, made every
    /// exchange last a millisecond or more (measured: 4 ms a step); a longer wait (a process busy elsewhere) sleeps 1 ms
    /// between tests. After a failure the arrays stay pinned (MPI may still write them): the job is ending.
    /// </summary>
    private void Run(string what, Array[] arrays, Func<nint[], nint> start)
    {
        var handles = arrays.Select(a => GCHandle.Alloc(a, GCHandleType.Pinned)).ToArray();
        nint request = start(handles.Select(h => h.AddrOfPinnedObject()).ToArray());
        long started = Stopwatch.GetTimestamp(), deadline = started + (long)(Timeout.TotalSeconds * Stopwatch.Frequency), busy = started + Stopwatch.Frequency;
        while (!_mpi.Test(ref request))
        {
            long now = Stopwatch.GetTimestamp();
            if (now > deadline)
                throw new TimeoutException(TimedOut(what));
            if (now < busy)
                Thread.Yield();
            else
                Thread.Sleep(1);
        }
        foreach (var handle in handles)
            handle.Free();
    }

    private static int[] Offsets(int[] counts)
    {
        var offsets = new int[counts.Length];
        for (int q = 1; q < counts.Length; q++)
            offsets[q] = offsets[q - 1] + counts[q - 1];
        return offsets;
    }
}

namespace MlNetMtl.Training.Distributed;

/// <summary>
/// The processes of a distributed training run (<see cref="TrainerOptions.Distributed"/>) and how they exchange data: each
/// process trains on its shard of every mini-batch, and their gradients are summed in rank order, so every process takes
/// the same step. <see cref="Mpi.World"/> gives the processes an MPI launcher started (<c>mpiexec -n N</c>).
/// </summary>
public abstract class Communicator
{
    private protected Communicator(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout of a distributed run must be positive.");
        Timeout = timeout;
    }

    /// <summary>This process's number, 0 … <see cref="Size"/> − 1; rank 0 is the one that writes files.</summary>
    public abstract int Rank { get; }

    /// <summary>How many processes train together.</summary>
    public abstract int Size { get; }

    /// <summary>
    /// How long an exchange waits for the other processes: past it, a process that stopped or hangs ends the run with an
    /// error naming the exchange, instead of a wait without end.
    /// </summary>
    public TimeSpan Timeout { get; }

    /// <summary>Ends every process of the job at once, with <paramref name="exitCode"/>: after a failure on this one, so that the others do not wait for it.</summary>
    public abstract void Abort(int exitCode);

    /// <summary>Sets every process's <paramref name="values"/> to rank <paramref name="root"/>'s.</summary>
    /// <param name="values">The values (each process's own array of the same length).</param>
    /// <param name="root">The rank whose values are kept.</param>
    /// <param name="what">What is exchanged, for the timeout's message.</param>
    /// <exception cref="TimeoutException">The other processes did not take part within <see cref="Timeout"/>.</exception>
    internal abstract void Broadcast(float[] values, int root, string what);

    /// <summary>
    /// Sends block q of <paramref name="send"/> (<paramref name="sendCounts"/>[q] values, blocks in rank order) to rank q, and
    /// receives rank q's block for this process into block q of <paramref name="receive"/> (<paramref name="receiveCounts"/>[q] values).
    /// </summary>
    /// <exception cref="TimeoutException">The other processes did not take part within <see cref="Timeout"/>.</exception>
    internal abstract void AllToAll(float[] send, int[] sendCounts, float[] receive, int[] receiveCounts, string what);

    /// <summary>Every process's <paramref name="mine"/>, in rank order, into <paramref name="all"/> (<paramref name="counts"/>[q] values from rank q).</summary>
    /// <exception cref="TimeoutException">The other processes did not take part within <see cref="Timeout"/>.</exception>
    internal abstract void AllGather(float[] mine, int count, float[] all, int[] counts, string what);

    /// <summary>Every process's <paramref name="mine"/>, in rank order (doubles; their lengths alike).</summary>
    internal abstract void AllGather(double[] mine, double[] all, string what);

    /// <summary>
    /// Every process's first <paramref name="count"/> bytes of <paramref name="mine"/>, in rank order, into <paramref name="all"/>
    /// (replaced by a larger array when too small; the caller keeps it for the next exchange), and how many came from each
    /// into <paramref name="counts"/> (<see cref="Size"/> long).
    /// </summary>
    internal abstract void AllGather(byte[] mine, int count, ref byte[] all, int[] counts, string what);

    /// <summary>The message of a timeout: which process waited for what, and what it means.</summary>
    private protected string TimedOut(string what) =>
        $"Rank {Rank} of {Size}: the other processes did not take part in {what} within {Timeout.TotalSeconds:0.#} s; one of them has stopped or hangs, so this run ends.";
}

namespace MlNetMtl.Training.Distributed;

/// <summary>
/// Training over the processes of an MPI job: start N copies with the system's launcher (<c>mpiexec -n N …</c>, Open MPI or
/// MPICH) and set <see cref="TrainerOptions.Distributed"/> to <see cref="World"/> in each. MPI is loaded and initialised on
/// first use, and ended when the process exits.
/// </summary>
public static class Mpi
{
    /// <summary>How long an exchange waits for the other processes by default: 60 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lock Gate = new();
    private static MpiLibrary? _library;

    /// <summary>Whether this process was started by an MPI launcher (its environment says so: Open MPI, MPICH or PMIx).</summary>
    public static bool Launched => new[] { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK" }.Any(v => Environment.GetEnvironmentVariable(v) is not null);

    /// <summary>The processes of this MPI job, waiting at most <see cref="DefaultTimeout"/> for one another.</summary>
    /// <exception cref="InvalidOperationException">No MPI library is installed (what to install is said).</exception>
    public static Communicator World => Connect(DefaultTimeout);

    /// <summary>The processes of this MPI job, waiting at most <paramref name="timeout"/> for one another in an exchange.</summary>
    /// <exception cref="InvalidOperationException">No MPI library is installed (what to install is said).</exception>
    public static Communicator Connect(TimeSpan timeout)
    {
        lock (Gate)
        {
            if (_library is null)
            {
                _library = MpiLibrary.Load() ?? throw new InvalidOperationException($"Training over MPI needs an MPI library, and none is installed: {MpiLibrary.InstallHint}.");
                _library.Initialize();
                var library = _library;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => library.End();
            }
            return new MpiCommunicator(_library, timeout);
        }
    }
}

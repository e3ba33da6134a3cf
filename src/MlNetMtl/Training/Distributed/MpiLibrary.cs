using System.Reflection;
using System.Runtime.InteropServices;

namespace MlNetMtl.Training.Distributed;

/// <summary>
/// The system's MPI library, found at run time: Open MPI (<c>libmpi.so.40</c>, Debian's openmpi-bin / libopenmpi-dev) or
/// MPICH (<c>libmpich.so.12</c> / <c>libmpi.so.12</c>), the calls below resolved to whichever loaded. The two differ in their
/// ABI: Open MPI's handles (communicator, datatypes) are the addresses of exported objects and a status to ignore is null;
/// MPICH's are integer constants (from its mpi.h) and a status to ignore is 1. Every handle travels as a pointer-sized
/// integer, which both read correctly on 64-bit Linux (an int argument is read from the low half of its register or
/// stack slot). Only what the trainer needs is bound: initialisation, rank and size, abort, and non-blocking collectives
/// that the caller polls with <see cref="Test"/>, so a peer that never answers becomes a timeout, not a hang. Buffers
/// given to a non-blocking call must not move until it completes: pass the addresses of pinned arrays.
/// </summary>
internal sealed class MpiLibrary
{
    /// <summary>What to install when no MPI library is found.</summary>
    public const string InstallHint = "install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) or MPICH (apt-get install mpich)";

    private const string Mpi = "mlnetmtl-mpi"; // resolved to the library Load found
    private const int ThreadSerialized = 2; // MPI_THREAD_SERIALIZED: any thread calls, one at a time (both ABIs)
    private static readonly string[] OpenMpiNames = ["libmpi.so.40", "libmpi.so"];
    private static readonly string[] MpichNames = ["libmpich.so.12", "libmpi.so.12"];
    private static nint _library;

    private MpiLibrary(nint library, string name, bool openMpi)
    {
        Name = name;
        if (openMpi)
        {
            World = NativeLibrary.GetExport(library, "ompi_mpi_comm_world");
            Float = NativeLibrary.GetExport(library, "ompi_mpi_float");
            Double = NativeLibrary.GetExport(library, "ompi_mpi_double");
            Byte = NativeLibrary.GetExport(library, "ompi_mpi_byte");
            StatusIgnore = 0;
        }
        else
        {
            // MPICH's mpi.h: MPI_COMM_WORLD, MPI_FLOAT, MPI_DOUBLE, MPI_BYTE, MPI_STATUS_IGNORE.
            World = 0x44000000;
            Float = 0x4c00040a;
            Double = 0x4c00080b;
            Byte = 0x4c00010d;
            StatusIgnore = 1;
        }
    }

    /// <summary>The library file loaded.</summary>
    public string Name { get; }
    /// <summary>MPI_COMM_WORLD.</summary>
    public nint World { get; }
    /// <summary>MPI_FLOAT.</summary>
    public nint Float { get; }
    /// <summary>MPI_DOUBLE.</summary>
    public nint Double { get; }
    /// <summary>MPI_BYTE.</summary>
    public nint Byte { get; }
    private nint StatusIgnore { get; }

    /// <summary>
    /// Loads the system's MPI library — the launcher's own where both are installed (MPICH's sets PMI_SIZE, Open MPI's
    /// OMPI_COMM_WORLD_SIZE), else Open MPI first; null when there is none. Once per process.
    /// </summary>
    public static MpiLibrary? Load()
    {
        bool mpichLaunched = Environment.GetEnvironmentVariable("PMI_SIZE") is not null && Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is null;
        var order = mpichLaunched ? new[] { (MpichNames, false), (OpenMpiNames, true) } : [(OpenMpiNames, true), (MpichNames, false)];
        foreach (var (names, openMpi) in order)
            foreach (string name in names)
                if (NativeLibrary.TryLoad(name, out nint library))
                {
                    _library = library;
                    NativeLibrary.SetDllImportResolver(typeof(MpiLibrary).Assembly, Resolve);
                    return new MpiLibrary(library, name, openMpi || NativeLibrary.TryGetExport(library, "ompi_mpi_comm_world", out _));
                }
        return null;
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name == Mpi ? _library : 0;

    /// <summary>Initialises MPI (once per process) for calls from any thread, one at a time.</summary>
    public void Initialize()
    {
        Check(MPI_Initialized(out int initialized), "MPI_Initialized");
        if (initialized == 0)
            Check(MPI_Init_thread(0, 0, ThreadSerialized, out _), "MPI_Init_thread");
    }

    /// <summary>Ends MPI, unless it was never started or has ended.</summary>
    public void End()
    {
        if (MPI_Initialized(out int initialized) == 0 && initialized != 0 && MPI_Finalized(out int finalized) == 0 && finalized == 0)
            MPI_Finalize();
    }

    public int Rank()
    {
        Check(MPI_Comm_rank(World, out int rank), "MPI_Comm_rank");
        return rank;
    }

    public int Size()
    {
        Check(MPI_Comm_size(World, out int size), "MPI_Comm_size");
        return size;
    }

    /// <summary>Ends every process of the job (the launcher stops them all).</summary>
    public void Abort(int code) => MPI_Abort(World, code);

    /// <summary>Starts a broadcast of <paramref name="count"/> values at <paramref name="buffer"/> from rank <paramref name="root"/>.</summary>
    public nint Broadcast(nint buffer, int count, nint type, int root)
    {
        Check(MPI_Ibcast(buffer, count, type, root, World, out nint request), "MPI_Ibcast");
        return request;
    }

    /// <summary>Starts an all-to-all exchange: block <c>q</c> of the send buffer goes to rank q; block q of the receive buffer comes from it.</summary>
    public nint AllToAll(nint send, nint sendCounts, nint sendOffsets, nint type, nint receive, nint receiveCounts, nint receiveOffsets)
    {
        Check(MPI_Ialltoallv(send, sendCounts, sendOffsets, type, receive, receiveCounts, receiveOffsets, type, World, out nint request), "MPI_Ialltoallv");
        return request;
    }

    /// <summary>Starts an all-gather: every rank's <paramref name="count"/> values, in rank order, into every rank's receive buffer.</summary>
    public nint AllGather(nint send, int count, nint type, nint receive, nint receiveCounts, nint receiveOffsets)
    {
        Check(MPI_Iallgatherv(send, count, type, receive, receiveCounts, receiveOffsets, type, World, out nint request), "MPI_Iallgatherv");
        return request;
    }

    /// <summary>Whether the non-blocking operation <paramref name="request"/> has completed (then it is freed).</summary>
    public bool Test(ref nint request)
    {
        Check(MPI_Test(ref request, out int done, StatusIgnore), "MPI_Test");
        return done != 0;
    }

    private static void Check(int code, string call)
    {
        if (code != 0)
            throw new IOException($"{call} failed with MPI error {code}.");
    }

    [DllImport(Mpi)] private static extern int MPI_Init_thread(nint argc, nint argv, int required, out int provided);
    [DllImport(Mpi)] private static extern int MPI_Initialized(out int flag);
    [DllImport(Mpi)] private static extern int MPI_Finalized(out int flag);
    [DllImport(Mpi)] private static extern int MPI_Finalize();
    [DllImport(Mpi)] private static extern int MPI_Comm_rank(nint comm, out int rank);
    [DllImport(Mpi)] private static extern int MPI_Comm_size(nint comm, out int size);
    [DllImport(Mpi)] private static extern int MPI_Abort(nint comm, int code);
    [DllImport(Mpi)] private static extern int MPI_Ibcast(nint buffer, int count, nint type, int root, nint comm, out nint request);
    [DllImport(Mpi)]
    private static extern int MPI_Ialltoallv(nint send, nint sendCounts, nint sendOffsets, nint sendType, nint receive, nint receiveCounts, nint receiveOffsets,
        nint receiveType, nint comm, out nint request);
    [DllImport(Mpi)]
    private static extern int MPI_Iallgatherv(nint send, int count, nint sendType, nint receive, nint receiveCounts, nint receiveOffsets, nint receiveType, nint comm, out nint request);
    [DllImport(Mpi)] private static extern int MPI_Test(ref nint request, out int done, nint status);
}

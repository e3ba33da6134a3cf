using System.Runtime.InteropServices;
using Microsoft.ML;
using MlNetMtl.IO;
using MlNetMtl.MLNet;

namespace MlNetMtl.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for a command: the first signal cancels its token and every MLContext it watches, so
/// training stops between mini-batches and the command unwinds, deleting what it had not finished writing; a second
/// signal deletes unfinished files and lets the process end at once.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly List<MLContext> _contexts = [];
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    private Interruption()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>The interruption of the running process's command; null when commands run inside another program (tests).</summary>
    public static Interruption? Current { get; private set; }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The signal received (SIGINT or SIGTERM), or null.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>Handles the process's signals until disposed.</summary>
    public static Interruption Install() => Current = new Interruption();

    /// <summary>Cancels <paramref name="context"/>'s execution when a signal arrives (at once if one has).</summary>
    public void Watch(MLContext context)
    {
        lock (_contexts)
            _contexts.Add(context);
        if (Signal is not null)
            context.MultiTask().CancelExecution();
    }

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            AtomicFile.DeleteUnfinished();
            Experiment.StagedFolder.DeleteUnfinished();
            return; // the default action ends the process
        }
        context.Cancel = true;
        Signal = context.Signal;
        Console.Error.WriteLine($"{Name(context.Signal)}: stopping (again to quit at once)…");
        _source.Cancel();
        lock (_contexts)
            foreach (var watched in _contexts)
                watched.MultiTask().CancelExecution();
    }

    /// <summary>SIGINT or SIGTERM.</summary>
    public static string Name(PosixSignal signal) => signal == PosixSignal.SIGINT ? "SIGINT (Ctrl-C)" : signal.ToString();

    /// <summary>The exit code of a process ended by <paramref name="signal"/>: 128 + the signal's number.</summary>
    public static int ExitCode(PosixSignal? signal) => signal == PosixSignal.SIGTERM ? 143 : 130;

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _source.Dispose();
        if (Current == this)
            Current = null;
    }
}

using System.CommandLine;
using Microsoft.ML;

namespace MlNetMtl.Cli;

/// <summary>What a command's body works with: its parsed options, its verbosity and output, and the interruption it honours.</summary>
internal sealed class CommandRun(ParseResult parse, Verbosity verbosity)
{
    public ParseResult Parse { get; } = parse;
    public Verbosity Verbosity { get; } = verbosity;
    public CliOutput Output { get; private set; } = new();

    /// <summary>The processes of a distributed run (--distributed mpi), or null for this one alone.</summary>
    public MlNetMtl.Training.Distributed.Communicator? Processes { get; private set; }

    /// <summary>Whether this process writes files and prints: the only one, or rank 0 of a distributed run.</summary>
    public bool Writes => Processes is not { Rank: > 0 };

    /// <summary>Runs as one of <paramref name="processes"/>: a process other than rank 0 prints nothing but its errors.</summary>
    public void JoinProcesses(MlNetMtl.Training.Distributed.Communicator processes)
    {
        Processes = processes;
        if (!Writes)
            Output = new CliOutput(TextWriter.Null);
    }

    /// <summary>The file the run writes its checkpoints to; null without checkpoints.</summary>
    public string? Checkpoint { get; set; }

    private readonly DateTime _started = DateTime.UtcNow;

    /// <summary>What to say after a failure or an interruption: how to resume, when this run wrote a checkpoint; null otherwise.</summary>
    public string? ResumeHint => Checkpoint is { } path && File.Exists(path) && File.GetLastWriteTimeUtc(path) >= _started
        ? $"the run can continue from its last checkpoint '{path}': the same command with --resume."
        : null;

    /// <summary>Cancelled by Ctrl-C or SIGTERM.</summary>
    public CancellationToken Token => Interruption.Current?.Token ?? CancellationToken.None;

    /// <summary>An MLContext whose execution a signal cancels.</summary>
    public MLContext Context(int? seed)
    {
        var ml = new MLContext(seed);
        Interruption.Current?.Watch(ml);
        return ml;
    }

    /// <summary>Prints a loader's notes (how labels were read, values read as missing) unless quiet.</summary>
    public void Notes(IEnumerable<string> notes)
    {
        if (Verbosity == Verbosity.Quiet)
            return;
        foreach (string note in notes)
            Output.Line($"note: {note}");
    }

    /// <summary>Prints a progress line unless quiet.</summary>
    public void Progress(string text)
    {
        if (Verbosity != Verbosity.Quiet)
            Output.Line(text);
    }
}

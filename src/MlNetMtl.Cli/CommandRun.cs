using System.CommandLine;
using Microsoft.ML;

namespace MlNetMtl.Cli;

/// <summary>What a command's body works with: its parsed options, its verbosity and output, and the interruption it honours.</summary>
internal sealed class CommandRun(ParseResult parse, Verbosity verbosity)
{
    public ParseResult Parse { get; } = parse;
    public Verbosity Verbosity { get; } = verbosity;
    public CliOutput Output { get; } = new();

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

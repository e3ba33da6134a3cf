namespace MlNetMtl.Cli;

/// <summary>How much a command prints (<c>--verbosity</c>, on every command).</summary>
internal enum Verbosity
{
    /// <summary>Results and errors only.</summary>
    Quiet,
    /// <summary>Also progress: inferred columns, epochs, trials. The default.</summary>
    Normal,
    /// <summary>Also every epoch of every experiment trial, and an error's stack trace.</summary>
    Detailed,
}

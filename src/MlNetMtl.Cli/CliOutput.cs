using MlNetMtl.MLNet.Evaluation;
using MlNetMtl.Training;
using Spectre.Console;

namespace MlNetMtl.Cli;

/// <summary>What the commands print, through a Spectre console bound to the current standard output.</summary>
internal sealed class CliOutput
{
    private readonly TextWriter _out = System.Console.Out;

    public CliOutput()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out) });
        if (System.Console.IsOutputRedirected)
            Console.Profile.Width = 200; // a log file or pipe: do not wrap lines at the default 80 columns
    }

    public IAnsiConsole Console { get; }

    /// <summary>A line of plain text, never wrapped (a log or a pipe keeps it whole).</summary>
    public void Line(string text) => _out.WriteLine(text);

    /// <summary>The per-task metrics as a table.</summary>
    public void Metrics(MultiTaskMetrics metrics)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in MultiTaskMetrics.Headers)
            table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned());
        foreach (var row in metrics.Rows())
            table.AddRow(row.Select(Markup.Escape).ToArray());
        Console.Write(table);
    }

    /// <summary>The columns of a file with their inferred roles and why.</summary>
    public void ColumnRoles(Datasets.InferredSchema schema)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"Columns of {Markup.Escape(Path.GetFileName(schema.Path))} ({schema.Rows:N0} rows; change a role with --role column=role)")
            .AddColumn("Column").AddColumn("Role").AddColumn("Why");
        foreach (var column in schema.Columns)
            table.AddRow(Markup.Escape(column.Name), column.Role.ToString(), Markup.Escape(column.Reason));
        Console.Write(table);
    }

    /// <summary>Prints one line per epoch with each task's training and validation loss.</summary>
    public IProgress<EpochReport> EpochProgress(IReadOnlyList<string> tasks) => new EpochLines(this, tasks);

    private sealed class EpochLines(CliOutput output, IReadOnlyList<string> tasks) : IProgress<EpochReport>
    {
        public void Report(EpochReport report)
        {
            string Losses(IReadOnlyList<double> losses) => string.Join("  ", losses.Select((l, t) => $"{tasks[t]} {l:F4}"));
            string validation = report.ValidationLoss.Count > 0 ? $"  validation [{Losses(report.ValidationLoss)}]" : "";
            string weights = report.TaskWeights.Any(w => Math.Abs(w - 1) > 1e-9) ? $"  weights [{string.Join("  ", report.TaskWeights.Select((w, t) => $"{tasks[t]} {w:F3}"))}]" : "";
            string text = $"train [{Losses(report.TrainingLoss)}]{validation}{weights}";
            output.Console.MarkupLine($"  epoch [bold]{report.Epoch,3}[/]  {Markup.Escape(text)}  [grey]{report.Elapsed.TotalSeconds:F2} s[/]");
        }
    }
}

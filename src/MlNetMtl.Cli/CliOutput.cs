using System.Globalization;
using MlNetMtl.MLNet.Evaluation;
using MlNetMtl.Training;
using Spectre.Console;

namespace MlNetMtl.Cli;

/// <summary>What the commands print, through a Spectre console bound to the current standard output.</summary>
internal sealed class CliOutput
{
    private readonly TextWriter _out;
    private readonly bool _launched;

    /// <summary>
    /// Output to <paramref name="writer"/> (default: the console's standard output). A log file or pipe — or a process an
    /// MPI launcher started, whose output it forwards through a terminal of its own — gets lines unwrapped, and the
    /// latter plain text.
    /// </summary>
    public CliOutput(TextWriter? writer = null)
    {
        _out = writer ?? System.Console.Out;
        // Under a launcher, styles would reach the log as escape codes: the console's colour calls write them to the
        // launcher's terminal (and set it up first), so output is written uncoloured, through no colour call at all.
        _launched = Training.Distributed.Mpi.Launched;
        Console = AnsiConsole.Create(_launched
            ? new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No }
            : new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out) });
        if (_launched || System.Console.IsOutputRedirected)
            Console.Profile.Width = 200; // do not wrap lines at the default 80 columns
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

    /// <summary>
    /// Every metric per (domain, task), GAUC per domain when computed, the tasks a domain could not score, each task's
    /// row-weighted mean, and which domains the model never saw (given the model's <paramref name="trainedDomains"/>).
    /// </summary>
    public void DomainMetrics(MLNet.Evaluation.DomainEvaluation evaluation, Networks.Domains.DomainLayout? trainedDomains = null)
    {
        bool withGauc = evaluation.Domains.Any(d => d.GroupAuc.Count > 0);
        var table = new Table().Border(TableBorder.Rounded).Title($"Per {Markup.Escape(evaluation.DomainColumn)} ({evaluation.Domains.Count:N0} domains)");
        table.AddColumn(Markup.Escape(evaluation.DomainColumn)).AddColumn(new TableColumn("Rows").RightAligned());
        foreach (var header in MultiTaskMetrics.Headers)
            table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned());
        if (withGauc)
            table.AddColumn(new TableColumn("GAUC").RightAligned());
        foreach (var domain in evaluation.Domains)
        {
            foreach (var (metrics, row) in domain.Metrics.Zip(domain.Metrics.Rows()))
            {
                var cells = new List<string> { domain.Domain, domain.Rows.ToString("N0", CultureInfo.InvariantCulture) };
                cells.AddRange(row);
                if (withGauc)
                    cells.Add(domain.GroupAuc.TryGetValue(metrics.Task, out var gauc) ? gauc.Value.ToString("F4", CultureInfo.InvariantCulture) : "");
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }
        }
        Console.Write(table);
        var unscored = evaluation.Domains.Where(d => d.NotEvaluated.Count > 0).Select(d => $"{d.Domain} ({string.Join(", ", d.NotEvaluated.Keys)})").ToArray();
        if (unscored.Length > 0)
            Line($"Not evaluated, the domain's rows holding one class of the task (or no label): {evaluation.DomainColumn} {string.Join("; ", unscored)}.");
        if (trainedDomains is not null && trainedDomains.Column == evaluation.DomainColumn)
        {
            var unseen = evaluation.Domains.Where(d => !trainedDomains.Names.Contains(d.Domain, StringComparer.Ordinal)).Select(d => $"{d.Domain} ({d.Rows:N0} rows)").ToArray();
            if (unseen.Length > 0)
                Line($"Not seen in training, so scored by the model's shared part alone: {evaluation.DomainColumn} {string.Join("; ", unseen)}.");
        }
        foreach (var task in evaluation.Overall)
            Line(string.Create(CultureInfo.InvariantCulture, $"{task.Task}: row-weighted mean over {evaluation.DomainColumn} of {(task.Binary is not null ? "AUC" : task.Regression is not null ? "R²" : "macro AUC")} {evaluation.WeightedMean(task.Task):F4} (all rows together: {task.Score:F4})."));
    }

    /// <summary>Domains shown one by one in <see cref="DomainComparison"/>; smaller ones count in the row-weighted mean only.</summary>
    public const int DomainsShown = 6;

    /// <summary>
    /// Several models' scores per domain side by side — AUC (binary), macro AUC (multiclass) or R² (regression) on each
    /// domain's rows alone — one row per (task, model): the largest domains, the row-weighted mean over every domain.
    /// </summary>
    /// <param name="domainColumn">The domain column.</param>
    /// <param name="rows">Per (task, model): the model's name, the task's name and its score on each domain.</param>
    public void DomainComparison(string domainColumn, IReadOnlyList<(string Task, string Model, IReadOnlyList<DomainScore> Scores)> rows)
    {
        var domains = rows.SelectMany(r => r.Scores).GroupBy(s => s.Domain, StringComparer.Ordinal).Select(g => (Domain: g.Key, Rows: g.Max(s => s.Rows)))
            .OrderByDescending(d => d.Rows).ThenBy(d => d.Domain, StringComparer.Ordinal).ToArray();
        var shown = domains.Take(DomainsShown).ToArray();
        var table = new Table().Border(TableBorder.Rounded).Title($"Per {Markup.Escape(domainColumn)}: each domain's rows scored alone (AUC; R² for regression)")
            .AddColumn("Task").AddColumn("Model");
        foreach (var (domain, count) in shown)
            table.AddColumn(new TableColumn(Markup.Escape($"{domain} ({count:N0})")).RightAligned());
        table.AddColumn(new TableColumn($"row-weighted mean ({domains.Length} domains)").RightAligned());
        foreach (var (task, model, scores) in rows)
            table.AddRow([Markup.Escape(task), Markup.Escape(model),
                .. shown.Select(d => scores.FirstOrDefault(s => s.Domain == d.Domain)?.Score is { } v && !double.IsNaN(v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "-"),
                DomainScore.WeightedMean(scores) is var mean && double.IsNaN(mean) ? "-" : mean.ToString("F4", CultureInfo.InvariantCulture)]);
        Console.Write(table);
    }

    /// <summary>"Separate models per tab: own models for 1, 0, 4; 3, 5 (under 1,000 training rows) scored by the model ignoring tab."</summary>
    public void SeparateDomainModels(string domainColumn, Experiments.DomainAlternatives.Result alternatives) =>
        Line(alternatives.OwnModels.Count == 0
            ? $"Separate models per {domainColumn}: none, no {domainColumn} has {Experiments.DomainAlternatives.MinimumRows:N0} training rows (the table leaves them out)."
            : $"Separate models per {domainColumn}: own models for {string.Join(", ", alternatives.OwnModels)}" +
              (alternatives.ScoredByBlind.Count == 0 ? "." : $"; {string.Join(", ", alternatives.ScoredByBlind)} (under {Experiments.DomainAlternatives.MinimumRows:N0} training rows) scored by the model ignoring {domainColumn}."));

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

    /// <summary>"Differential privacy: ε = 2.97 at δ = 1e-06 per user:user_id (σ = 1.23, C = 1, q = 0.0042, 4,760 steps)."</summary>
    public static string Describe(Training.Privacy.PrivacyGuarantee privacy) =>
        $"Differential privacy: ε = {privacy.Epsilon:F2} at δ = {privacy.Delta:G2} per {privacy.Unit} ({privacy.Units:N0} of them; σ = {privacy.NoiseMultiplier:G4}, " +
        $"C = {privacy.ClipNorm:G3}, q = {privacy.SamplingRate:G3}, {privacy.Steps:N0} steps).";

    /// <summary>The membership-inference audit's two lines.</summary>
    public void Audit(MLNet.Evaluation.PrivacyAuditResult audit)
    {
        Line($"Privacy audit (loss-threshold membership inference, {audit.Members:N0} training vs {audit.NonMembers:N0} held-out rows): attack AUC {audit.AttackAuc:F4}; " +
            $"proven ε ≥ {audit.EmpiricalEpsilon:F2} at δ = {audit.Delta:G2} (95% confidence).");
        Line(audit.TrainedEpsilon is { } trained
            ? $"The model was trained with ε = {trained:F2}: the attack's bound {(audit.EmpiricalEpsilon <= trained ? "stays within it" : "EXCEEDS it — report this")}."
            : "The model was trained without differential privacy: no guarantee bounds what an attacker learns.");
    }

    private sealed class EpochLines(CliOutput output, IReadOnlyList<string> tasks) : IProgress<EpochReport>
    {
        public void Report(EpochReport report)
        {
            string Losses(IReadOnlyList<double> losses) => string.Join("  ", losses.Select((l, t) => $"{tasks[t]} {l:F4}"));
            string validation = report.ValidationLoss.Count > 0 ? $"  validation [{Losses(report.ValidationLoss)}]" : "";
            string weights = report.TaskWeights.Any(w => Math.Abs(w - 1) > 1e-9) ? $"  weights [{string.Join("  ", report.TaskWeights.Select((w, t) => $"{tasks[t]} {w:F3}"))}]" : "";
            string privacy = report.Privacy is { } spent ? $"  ε {spent.Epsilon:F2}" : "";
            string text = $"train [{Losses(report.TrainingLoss)}]{validation}{weights}{privacy}";
            if (output._launched)
                output.Line($"  epoch {report.Epoch,3}  {text}  {report.Elapsed.TotalSeconds:F2} s");
            else
                output.Console.MarkupLine($"  epoch [bold]{report.Epoch,3}[/]  {Markup.Escape(text)}  [grey]{report.Elapsed.TotalSeconds:F2} s[/]");
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;
using MlNetMtl.Onnx;
using Spectre.Console;

namespace MlNetMtl.Cli.Experiment;

/// <summary>
/// <c>mlnet-mtl experiment</c>, the Model Builder experience for multi-task models: data set and tasks in, a search over
/// architectures, loss weightings and hyper-parameters within a time budget, a leaderboard against single-task
/// LightGBM and FastTree with each task's Δ, and an output folder with the model, generated C#, every trial and a report.
/// </summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var chain = new Option<string>("--chain") { Description = "Tasks that form a funnel, in order, e.g. click>purchase: adds ESMM (two tasks) and AITM to the search." };
        var group = new Option<string>("--group-col") { Description = "A user or session column: GAUC of each binary task on the test rows (the split is --split-by's)." };
        var splitBy = new Option<string>("--split-by")
        {
            Description = "How test and validation rows are held out: random, group (whole groups of --group-col; cold-start users), group:COLUMN, or time:COLUMN (the latest rows by a numeric time; train on the past).",
            DefaultValueFactory = _ => "random",
        };
        var validation = new Option<FileInfo>("--validation-dataset") { Description = "Rows that score the trials (default: 15% of the training rows, held out as --split-by says)." };
        var test = new Option<FileInfo>("--test-dataset") { Description = "Rows for the leaderboard (default: --split of the data set)." };
        var split = new Option<double>("--split") { Description = "Share of the data set held out as the test set when no --test-dataset is given.", DefaultValueFactory = _ => 0.2 };
        var time = new Option<int>("--train-time") { Description = "Seconds for the search (the baselines and outputs come after).", DefaultValueFactory = _ => 60 };
        var metric = new Option<string>("--metric")
        {
            Description = "What the search optimises: mean-score (default: mean over tasks of AUC, macro AUC or R²), mean-auc, mean-rmse, auc:TASK, rmse:TASK, r2:TASK or accuracy:TASK.",
        };
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "The folder to write, only once the run succeeds: a new or empty folder, or one an earlier experiment wrote (its files are replaced).",
            DefaultValueFactory = _ => new DirectoryInfo("mlnet-mtl-experiment"),
        };
        var force = new Option<bool>("--force") { Description = "Write into a folder that holds other files, beside them (files of the outputs' names are replaced; nothing else is touched)." };
        var baselines = new Option<bool>("--baselines") { Description = "Train the single-task LightGBM and FastTree baselines for the leaderboard.", DefaultValueFactory = _ => true };
        var training = new TrainingOptionSet();
        var command = new Command("experiment", "Search multi-task models within a time budget; write the best model, C# to use and retrain it, every trial and a report. " +
            "A training setting, architecture or weighting given here is fixed for every trial; the others are searched or kept at their defaults.");
        data.AddTo(command, withTasks: true);
        data.AddDomainTo(command);
        foreach (var option in new Option[] { chain, group, splitBy, validation, test, split, time, metric, output, force, baselines })
            command.Options.Add(option);
        training.AddTo(command);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            var (kind, column) = ParseSplit(parse.GetValue(splitBy)!, parse.GetValue(group));
            if (training.ArchitectureGiven(parse) is not null)
                training.Recipe(parse); // one architecture: every setting given must be one of its own, or the training's
            if (training.Given(parse).FirstOrDefault(s => s.Key.Property.DeclaringType == typeof(Training.Privacy.PrivacyOptions)).Key is { } privacy)
                throw new ArgumentException($"--{privacy.Flag}: an experiment trains many models on the same rows, and their privacy losses add up; " +
                    "train one model with differential privacy with 'train' (choose its settings on data you may spend privacy on, or on public data).");
            var settings = new ExperimentSettings
            {
                Dataset = data.DatasetPath(parse),
                Format = parse.GetValue(data.Format),
                Tasks = data.ParseTasks(parse),
                Chain = parse.GetValue(chain) is { Length: > 0 } c ? c.Split('>', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null,
                GroupColumn = parse.GetValue(group),
                Ignore = data.IgnoredColumns(parse),
                DomainColumn = data.DomainColumn(parse),
                Roles = data.ParseRoles(parse),
                TextFeatures = parse.GetValue(data.TextFeatures),
                TextEncoder = parse.GetResult(data.TextEncoder) is { Implicit: false } ? parse.GetValue(data.TextEncoder) : null,
                HashBits = parse.GetValue(data.HashBits),
                ValidationDataset = parse.GetValue(validation) is { } v ? CliPaths.Data(v, "--validation-dataset") : null,
                TestDataset = parse.GetValue(test) is { } t ? CliPaths.Data(t, "--test-dataset") : null,
                TestFraction = parse.GetValue(split) is > 0 and < 1 and var f ? f : throw new ArgumentException("--split must be between 0 and 1."),
                SplitBy = kind,
                SplitColumn = column,
                TrainTime = TimeSpan.FromSeconds(parse.GetValue(time) is > 0 and var s ? s : throw new ArgumentException("--train-time must be at least 1 second.")),
                Metric = parse.GetValue(metric),
                Seed = training.Seed(parse),
                Given = training.Given(parse),
                Architecture = training.ArchitectureGiven(parse),
                Weighting = training.WeightingGiven(parse),
                Output = parse.GetValue(output)!.FullName,
                Force = parse.GetValue(force),
                Verbosity = run.Verbosity,
                Baselines = parse.GetValue(baselines),
            };
            return Run(settings, run);
        }));
        return command;
    }

    /// <summary>--split-by random | group[:COLUMN] | time:COLUMN.</summary>
    private static (SplitKind Kind, string? Column) ParseSplit(string text, string? groupColumn)
    {
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        return parts[0].ToLowerInvariant() switch
        {
            "random" when parts.Length == 1 => (SplitKind.Random, null),
            "group" when parts.Length == 2 && parts[1].Length > 0 => (SplitKind.Group, parts[1]),
            "group" when parts.Length == 1 => groupColumn is not null ? (SplitKind.Group, groupColumn)
                : throw new ArgumentException("--split-by group holds whole groups of --group-col out; give --group-col, or --split-by group:COLUMN."),
            "time" when parts.Length == 2 && parts[1].Length > 0 => (SplitKind.Time, parts[1]),
            _ => throw new ArgumentException($"--split-by '{text}' is not random, group, group:COLUMN or time:COLUMN."),
        };
    }

    /// <summary>The files an experiment writes, by name, before they exist (to check the output folder).</summary>
    private static IEnumerable<string> OutputNames(IEnumerable<TaskColumn> tasks) =>
        new[] { "model.zip", "model.onnx", "Model.consumption.cs", "Model.training.cs", "trials.csv", "report.md", "task_weights.png", "gates.png", StagedFolder.ManifestName }
            .Concat(tasks.SelectMany(t => new[] { $"roc_{ExperimentReport.FileName(t.Name)}.png", $"loss_{ExperimentReport.FileName(t.Name)}.png" }));

    public static int Run(ExperimentSettings settings, CommandRun run)
    {
        var output = run.Output;
        StagedFolder.Check(settings.Output, settings.Force, OutputNames(settings.Tasks), settings.Inputs);
        var ml = run.Context(settings.Seed);
        var data = ExperimentData.Load(ml, settings, run, settings.TextEncoder ?? Datasets.FeatureSpec.DefaultTextEncoder);
        var metric = ExperimentMetric.Parse(settings.Metric, data.Tasks);
        var template = new MultiTaskNetworkTrainerOptions
        {
            Tasks = data.Tasks.ToList(),
            WeightColumnName = data.Dataset.WeightColumnName,
            DomainColumn = settings.DomainColumn,
            Progress = settings.Verbosity == Verbosity.Detailed ? output.EpochProgress(data.Tasks.Select(t => t.Name).ToList()) : null,
        };
        template.Training = template.Training with { Seed = settings.Seed };
        var space = new SearchSpace(data.Tasks.Count, data.Chain, settings.Seed, settings.Given, settings.Architecture, settings.Weighting, domains: settings.DomainColumn is not null);

        using var folder = new StagedFolder(settings.Output);
        run.Progress(string.Create(CultureInfo.InvariantCulture,
            $"Searching for {settings.TrainTime.TotalSeconds:F0} s over {string.Join(", ", space.Architectures)} × loss weightings × widths, learning rates, dropout; metric {metric.Name} ({metric.Description}) on the validation rows, " +
            $"test and validation rows held out {HeldOut(settings)}."));
        TrialResult? best = null;
        var search = new ExperimentSearch(ml, template, metric, space);
        var budget = settings.TrainTime;
        if (TextEncoderScreening.Applies(settings, data))
        {
            (data, var screening) = TextEncoderScreening.Choose(ml, settings, run, data, search, space, metric);
            // Each screening trial is cut at a fifth of the budget; its evaluation may run a little over, so the search keeps at least half.
            budget = TimeSpan.FromTicks(Math.Max(budget.Ticks - screening.Ticks, budget.Ticks / 2));
        }
        var clock = Stopwatch.StartNew();
        var trials = search.Run(data.Train, data.Validation, budget,
            trial =>
            {
                if (trial.Status == TrialStatus.Completed && (best is null || metric.Better(trial.Score, best.Score)))
                    best = trial;
                if (settings.Verbosity != Verbosity.Quiet)
                    output.Line(TrialLine(trial, best, metric, budget - clock.Elapsed));
            }, run.Token);
        if (search.StoppedEarly is { } reason)
            output.Line($"Stopped the search: {reason}.");
        if (best is null)
        {
            var last = trials[^1];
            throw new InvalidOperationException(search.StoppedEarly is not null
                ? $"No trial succeeded: {search.StoppedEarly}. Nothing was written."
                : string.Create(CultureInfo.InvariantCulture,
                    $"The {settings.TrainTime.TotalSeconds:F0} s budget ended before any trial finished (trial 1, {trials[0].Settings.Architecture}, ran {trials[0].Elapsed.TotalSeconds:F1} s" +
                    $"{(last.Error is null ? "" : $"; trial {last.Number} failed: {last.Error}")}). Give a longer --train-time; nothing was written."));
        }

        var board = Leaderboard.Build(ml, data, trials, metric, settings.Baselines,
            settings.Verbosity == Verbosity.Quiet ? null : new Progress<SingleTaskBaselines.Result>(r =>
                output.Line(string.Create(CultureInfo.InvariantCulture, $"  baseline {r.Trainer} single-task {r.Task}: {r.Text}"))),
            settings.DomainColumn is { } domains ? (domains, template, new Progress<string>(line => output.Line($"  training {line}"))) : null, run.Token);
        var groupAucs = settings.GroupColumn is { } groupColumn
            ? data.Tasks.Where(t => t.Kind.Evaluation == EvaluationFamily.Binary).ToDictionary(t => t.Name, t => ml.MultiTask().GroupAuc(board.Best.Model!.Transform(data.Test), t, groupColumn))
            : new Dictionary<string, GroupAucResult>();
        PrintLeaderboard(output, board, metric, groupAucs);
        if (settings.DomainColumn is { } domainColumn)
        {
            output.DomainComparison(domainColumn, board.ByDomain);
            output.SeparateDomainModels(domainColumn, board.Alternatives!);
        }

        run.Token.ThrowIfCancellationRequested();
        var model = data.Featurizer.Append(board.Best.Model!);
        ml.MultiTask().SaveModel(model, data.Dataset.Data.Schema, folder.File("model.zip"));
        string onnx = WriteOnnx(ml, model, data.Dataset.Data.Schema, folder.File("model.onnx"), output);
        var bestOptions = board.Best.Settings.ApplyTo(template);
        File.WriteAllText(folder.File("Model.consumption.cs"), CodeGenerator.Consumption(data.Dataset.Data.Schema, data.Dataset.Features, data.Tasks, board.Best.Model!));
        File.WriteAllText(folder.File("Model.training.cs"), CodeGenerator.Training(settings, data, board.Best.Settings, bestOptions));
        TrialLog.Write(folder.File("trials.csv"), trials, data.Tasks, metric);
        var images = ExperimentReport.Write(ml, folder, settings, data, board, trials, metric, groupAucs);
        run.Token.ThrowIfCancellationRequested();
        folder.Commit();
        output.Line($"Wrote {settings.Output}: model.zip, {onnx}Model.consumption.cs, Model.training.cs, trials.csv, report.md, {string.Join(", ", images)}.");
        return 0;
    }

    /// <summary>The best model as ONNX beside model.zip; where it cannot be exported, says why and writes none. Returns "model.onnx, " or "".</summary>
    private static string WriteOnnx(MLContext ml, ITransformer model, DataViewSchema schema, string path, CliOutput output)
    {
        try
        {
            ml.MultiTask().ExportOnnx(model, schema, path);
            return "model.onnx, ";
        }
        catch (NotSupportedException error)
        {
            output.Line($"No model.onnx: {error.Message}");
            return "";
        }
    }

    /// <summary>"at random", "by whole groups of user", "as the latest by time_ms", or from the files given.</summary>
    private static string HeldOut(ExperimentSettings settings) =>
        (settings.TestDataset, settings.ValidationDataset) is (not null, not null) ? "in the files given" : settings.SplitBy switch
        {
            SplitKind.Group => $"by whole groups of {settings.SplitColumn}",
            SplitKind.Time => $"as the latest by {settings.SplitColumn}",
            _ => "at random",
        };

    private static string TrialLine(TrialResult trial, TrialResult? best, ExperimentMetric metric, TimeSpan left)
    {
        string outcome = trial.Status switch
        {
            TrialStatus.Completed => string.Create(CultureInfo.InvariantCulture, $"{metric.Name} {trial.Score:F4} ({trial.Epochs} epochs, {trial.Elapsed.TotalSeconds:F1} s)"),
            TrialStatus.OutOfTime => "stopped by the time budget",
            _ => $"failed: {trial.Error}",
        };
        string bestText = best is null ? "none yet" : string.Create(CultureInfo.InvariantCulture, $"{best.Score:F4} (#{best.Number})");
        return string.Create(CultureInfo.InvariantCulture,
            $"  trial {trial.Number,3}  {trial.Settings}: {outcome}  | best {bestText}, {Math.Max(0, left.TotalSeconds):F0} s left");
    }

    private static void PrintLeaderboard(CliOutput output, Leaderboard board, ExperimentMetric metric, IReadOnlyDictionary<string, GroupAucResult> groupAucs)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Leaderboard (test rows)")
            .AddColumn("Rank").AddColumn("Model").AddColumn(new TableColumn($"validation {metric.Name}").RightAligned());
        foreach (var task in board.Tasks)
            table.AddColumn(new TableColumn($"{task.Name} {task.Kind.HeadlineMetric}").RightAligned());
        foreach (var row in board.Rows)
            table.AddRow([row.Rank > 0 ? row.Rank.ToString(CultureInfo.InvariantCulture) : "", Markup.Escape(row.Model), F(row.ValidationScore),
                .. board.Tasks.Select(t => row.Test.TryGetValue(t.Name, out double v) ? F(v) : "-")]);
        table.AddRow(["", "[bold]Δ best multi-task − best single-task[/]", "", .. board.Tasks.Select(t => Markup.Escape(board.DeltaText(t)))]);
        table.Caption($"validation {Markup.Escape(metric.Name)}: {Markup.Escape(metric.Description)}");
        output.Console.Write(table);
        foreach (var (task, gauc) in groupAucs)
            output.Line(string.Create(CultureInfo.InvariantCulture, $"GAUC {task}: {gauc.Value:F4} over {gauc.GroupsUsed:N0} groups ({gauc.GroupsSkipped:N0} with one class skipped)"));
    }

    private static string F(double value) => double.IsNaN(value) ? "-" : value.ToString("F4", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Evaluation;
using MlNetMtl.Experiments;
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
        var group = new Option<string>("--group-col") { Description = "A user or session column: GAUC per binary task, and the train/test split keeps each group on one side." };
        var validation = new Option<FileInfo>("--validation-dataset") { Description = "Rows that score the trials (default: 15% of the training rows)." };
        var test = new Option<FileInfo>("--test-dataset") { Description = "Rows for the leaderboard (default: --split of the data set)." };
        var split = new Option<double>("--split") { Description = "Share of the data set held out as the test set when no --test-dataset is given.", DefaultValueFactory = _ => 0.2 };
        var time = new Option<int>("--train-time") { Description = "Seconds for the search (the baselines and outputs come after).", DefaultValueFactory = _ => 60 };
        var metric = new Option<string>("--metric") { Description = "What the search maximises: mean-auc (default), mean-rmse, auc:<task> or rmse:<task>." };
        var seed = new Option<int>("--seed") { Description = "Seed of the split, the search and training.", DefaultValueFactory = _ => 42 };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "The folder to write (replaced when the run succeeds; untouched when it fails).", DefaultValueFactory = _ => new DirectoryInfo("mlnet-mtl-experiment") };
        var verbosity = new Option<Verbosity>("--verbosity", "-v") { Description = "Quiet, Normal or Detailed (every epoch).", DefaultValueFactory = _ => Verbosity.Normal };
        var epochs = new Option<int>("--max-epochs") { Description = "Most epochs of a trial (early stopping ends most trials sooner).", DefaultValueFactory = _ => 30 };
        var baselines = new Option<bool>("--baselines") { Description = "Train the single-task LightGBM and FastTree baselines for the leaderboard.", DefaultValueFactory = _ => true };
        var threads = new Option<int>("--threads") { Description = "Threads per trial.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("experiment", "Search multi-task models within a time budget; write the best model, C# to use and retrain it, every trial and a report.");
        data.AddTo(command, withTasks: true);
        foreach (var option in new Option[] { chain, group, validation, test, split, time, metric, seed, output, verbosity, epochs, baselines, threads })
            command.Options.Add(option);
        command.SetAction(parse => CliApp.Guard(() =>
        {
            var settings = new ExperimentSettings
            {
                Dataset = parse.GetValue(data.Dataset)!.FullName,
                Format = parse.GetValue(data.Format),
                Tasks = data.ParseTasks(parse),
                Chain = parse.GetValue(chain) is { Length: > 0 } c ? c.Split('>', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null,
                GroupColumn = parse.GetValue(group),
                Ignore = data.IgnoredColumns(parse),
                Roles = data.ParseRoles(parse),
                ValidationDataset = parse.GetValue(validation)?.FullName,
                TestDataset = parse.GetValue(test)?.FullName,
                TestFraction = parse.GetValue(split) is > 0 and < 1 and var f ? f : throw new ArgumentException("--split must be between 0 and 1."),
                TrainTime = TimeSpan.FromSeconds(parse.GetValue(time) is > 0 and var s ? s : throw new ArgumentException("--train-time must be at least 1 second.")),
                Metric = parse.GetValue(metric),
                Seed = parse.GetValue(seed),
                Output = parse.GetValue(output)!.FullName,
                Verbosity = parse.GetValue(verbosity),
                MaxEpochs = parse.GetValue(epochs) is > 0 and var e ? e : throw new ArgumentException("--max-epochs must be at least 1."),
                Baselines = parse.GetValue(baselines),
                Threads = parse.GetValue(threads),
            };
            return Run(settings, new CliOutput());
        }));
        return command;
    }

    public static int Run(ExperimentSettings settings, CliOutput output)
    {
        var ml = new MLContext(settings.Seed);
        var data = ExperimentData.Load(ml, settings, output);
        var metric = ExperimentMetric.Parse(settings.Metric, data.Tasks);
        var template = new MultiTaskNetworkTrainerOptions
        {
            Tasks = data.Tasks.ToList(),
            Epochs = settings.MaxEpochs,
            EarlyStoppingPatience = 4,
            Seed = settings.Seed,
            Threads = settings.Threads,
            WeightColumnName = data.Dataset.WeightColumnName,
            Progress = settings.Verbosity == Verbosity.Detailed ? output.EpochProgress(data.Tasks.Select(t => t.Name).ToList()) : null,
        };
        var space = new SearchSpace(data.Chain && data.Tasks.Count >= 2, settings.Seed, esmm: data.Chain && data.Tasks.Count == 2);

        using var folder = new StagedFolder(settings.Output);
        output.Line(string.Create(CultureInfo.InvariantCulture,
            $"Searching for {settings.TrainTime.TotalSeconds:F0} s over {string.Join(", ", space.Architectures)} × loss weightings × widths, learning rates, dropout; metric {metric.Name} on the validation rows."));
        var clock = Stopwatch.StartNew();
        TrialResult? best = null;
        var trials = new ExperimentSearch(ml, template, metric, space).Run(data.Train, data.Validation, settings.TrainTime,
            trial =>
            {
                if (trial.Status == TrialStatus.Completed && (best is null || metric.Better(trial.Score, best.Score)))
                    best = trial;
                if (settings.Verbosity != Verbosity.Quiet)
                    output.Line(TrialLine(trial, best, metric, settings.TrainTime - clock.Elapsed));
            });
        if (best is null)
        {
            var first = trials[0];
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The {settings.TrainTime.TotalSeconds:F0} s budget ended before any trial finished (trial 1, {first.Settings.Architecture}, ran {first.Elapsed.TotalSeconds:F1} s" +
                $"{(first.Error is null ? "" : $" and failed: {first.Error}")}). Give a longer --train-time; nothing was written."));
        }

        var board = Leaderboard.Build(ml, data, trials, metric, settings.Baselines,
            settings.Verbosity == Verbosity.Quiet ? null : new Progress<SingleTaskBaselines.Result>(r =>
                output.Line(string.Create(CultureInfo.InvariantCulture, $"  baseline {r.Trainer} single-task {r.Task}: {r.Metric:F4}"))));
        var groupAucs = settings.GroupColumn is { } groupColumn
            ? data.Tasks.Where(t => t.Kind == TaskKind.Binary).ToDictionary(t => t.Name, t => ml.MultiTask().GroupAuc(board.Best.Model!.Transform(data.Test), t, groupColumn))
            : new Dictionary<string, GroupAucResult>();
        PrintLeaderboard(output, board, metric, groupAucs);

        var model = data.Featurizer.Append(board.Best.Model!);
        ml.MultiTask().SaveModel(model, data.Dataset.Data.Schema, folder.File("model.zip"));
        var bestOptions = board.Best.Settings.ApplyTo(template.Clone());
        File.WriteAllText(folder.File("Model.consumption.cs"), CodeGenerator.Consumption(data.Dataset.Data.Schema, data.Dataset.Features, data.Tasks, board.Best.Model!));
        File.WriteAllText(folder.File("Model.training.cs"), CodeGenerator.Training(settings, data, board.Best.Settings, bestOptions));
        TrialLog.Write(folder.File("trials.csv"), trials, data.Tasks, metric);
        var images = ExperimentReport.Write(ml, folder, settings, data, board, trials, metric, groupAucs);
        folder.Commit();
        output.Line($"Wrote {settings.Output}: model.zip, Model.consumption.cs, Model.training.cs, trials.csv, report.md, {string.Join(", ", images)}.");
        return 0;
    }

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
            table.AddColumn(new TableColumn($"{task.Name} {Leaderboard.MetricName(task.Kind)}").RightAligned());
        foreach (var row in board.Rows)
            table.AddRow([row.Rank > 0 ? row.Rank.ToString(CultureInfo.InvariantCulture) : "", Markup.Escape(row.Model), F(row.ValidationScore),
                .. board.Tasks.Select(t => row.Test.TryGetValue(t.Name, out double v) ? F(v) : "-")]);
        table.AddRow(["", "[bold]Δ best multi-task − best single-task[/]", "", .. board.Tasks.Select(t => Markup.Escape(board.DeltaText(t)))]);
        output.Console.Write(table);
        foreach (var (task, gauc) in groupAucs)
            output.Line(string.Create(CultureInfo.InvariantCulture, $"GAUC {task}: {gauc.Value:F4} over {gauc.GroupsUsed:N0} groups ({gauc.GroupsSkipped:N0} with one class skipped)"));
    }

    private static string F(double value) => double.IsNaN(value) ? "-" : value.ToString("F4", CultureInfo.InvariantCulture);
}

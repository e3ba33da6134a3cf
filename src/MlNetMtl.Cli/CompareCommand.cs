using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;
using MlNetMtl.Networks;
using MlNetMtl.Training.Weighting;
using Spectre.Console;

namespace MlNetMtl.Cli;

/// <summary>
/// <c>mlnet-mtl compare</c>: trains several architectures and the single-task LightGBM and FastTree baselines on the
/// same featurized split and prints every task's test metric side by side (the census-income reproduction).
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var training = new TrainingOptionSet();
        var test = new Option<FileInfo>("--test-dataset") { Description = "The test file, in the same format.", Required = true };
        var architectures = new Option<string>("--architectures") { Description = $"Comma-separated architectures to train ({string.Join(", ", NetworkOptions.Names)}).", DefaultValueFactory = _ => "SharedBottom,OMoE,MMoE,PLE" };
        var weightings = new Option<string>("--weightings") { Description = $"Comma-separated loss weightings to train each architecture with ({string.Join(", ", LossWeighting.Names)}).", DefaultValueFactory = _ => "fixed" };
        var group = new Option<string>("--group-col") { Description = "A column grouping the test rows (e.g. a user id): also each binary task's GAUC, for every model and baseline." };
        var alternatives = new Option<bool>("--domain-alternatives")
        {
            Description = "With --domain-col: also the first architecture ignoring the domain and trained per domain alone " +
                $"(domains with fewer than {DomainAlternatives.MinimumRows:N0} training rows scored by the one ignoring it), in the per-domain table.",
            DefaultValueFactory = _ => true,
        };
        var baselines = new Option<bool>("--baselines") { Description = "Also train the single-task LightGBM and FastTree baselines.", DefaultValueFactory = _ => true };
        var command = new Command("compare", "Train architectures and single-task tree baselines on one split; print each task's test AUC (RMSE for regression) side by side.");
        data.AddTo(command, withTasks: true);
        data.AddDomainTo(command);
        training.AddTo(command);
        command.Options.Remove(training.Architecture);
        command.Options.Add(test);
        command.Options.Add(architectures);
        command.Options.Add(weightings);
        command.Options.Remove(training.Weighting);
        command.Options.Add(baselines);
        command.Options.Add(alternatives);
        command.Options.Add(group);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            var console = run.Output;
            var ml = run.Context(training.Seed(parse));
            var (dataset, train, testFeatures) = FeaturizedSplit.Load(ml, parse, data, test);
            string? groupColumn = parse.GetValue(group);
            if (groupColumn is not null && testFeatures.Schema.GetColumnOrNull(groupColumn) is null)
                throw new ArgumentException($"--group-col '{groupColumn}' is not a column of the test data ({string.Join(", ", dataset.Data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
            var binary = groupColumn is null ? [] : dataset.Tasks.Where(t => t.Kind.Evaluation == EvaluationFamily.Binary).ToArray();
            string? domainColumn = data.DomainColumn(parse);
            if (domainColumn is not null && testFeatures.Schema.GetColumnOrNull(domainColumn) is null)
                throw new ArgumentException($"--domain-col '{domainColumn}' is not a column of the test data ({string.Join(", ", dataset.Data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
            var byDomain = new List<(string Task, string Model, IReadOnlyList<MLNet.Evaluation.DomainScore> Scores)>();
            var rows = new List<(string Model, double[] Metrics, TimeSpan Time)>();

            // Every model's options are checked before any trains: ESMM given three tasks fails at once, not after the others' training.
            var weightingNames = parse.GetValue(weightings)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var trainers = new List<(string Label, MultiTaskNetworkTrainerOptions Options)>();
            foreach (string name in parse.GetValue(architectures)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                foreach (string weightingName in weightingNames)
                {
                    string architecture = NetworkOptions.Names.FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase))
                        ?? throw new ArgumentException($"'{name}' in --architectures is not one of {string.Join(", ", NetworkOptions.Names)}.");
                    string weighting = LossWeighting.Names.FirstOrDefault(n => n.Equals(weightingName, StringComparison.OrdinalIgnoreCase))
                        ?? throw new ArgumentException($"'{weightingName}' in --weightings is not one of {string.Join(", ", LossWeighting.Names)}.");
                    // A setting given on the command line applies to the architectures and weightings that have it.
                    var options = new TrainerRecipe(architecture, weighting, training.Given(parse))
                        .ApplyTo(TrainingOptionSet.Template(LoadedDataset.FeatureColumnName, dataset.Tasks, progress: null));
                    options.DomainColumn = domainColumn;
                    _ = ml.MultiTask().Network(options);
                    trainers.Add((weightingNames.Length > 1 ? $"{architecture} + {weighting}" : architecture, options));
                }
            foreach (var (label, options) in trainers)
            {
                var clock = Stopwatch.StartNew();
                var model = ml.MultiTask().Network(options).Fit(train);
                var scored = model.Transform(testFeatures);
                var metrics = ml.MultiTask().Evaluate(scored, model);
                double[] values = [.. metrics.Select(m => m.Headline), .. binary.Select(t => ml.MultiTask().GroupAuc(scored, t, groupColumn!).Value)];
                rows.Add((label, values, clock.Elapsed));
                if (domainColumn is not null)
                {
                    var domains = ml.MultiTask().EvaluateByDomain(scored, dataset.Tasks, domainColumn);
                    byDomain.AddRange(dataset.Tasks.Select(t => (t.Name, label, domains.Scores(t.Name))));
                }
                console.Line($"  {label}: {Format(values)} ({clock.Elapsed.TotalSeconds:F1} s)");
            }
            if (domainColumn is not null && parse.GetValue(alternatives))
                byDomain.AddRange(Alternatives(ml, console, trainers[0], train, testFeatures, domainColumn, dataset.Tasks, run.Token));
            if (parse.GetValue(baselines))
            {
                var clock = Stopwatch.StartNew();
                var results = SingleTaskBaselines.Run(ml, train, testFeatures, dataset.Tasks.Where(t => t.Kind.Evaluation != EvaluationFamily.Multiclass), LoadedDataset.FeatureColumnName,
                    new Progress<SingleTaskBaselines.Result>(r => console.Line($"  {r.Trainer} single-task {r.Task}: {r.Text}")), groupColumn, domainColumn);
                foreach (string trainer in SingleTaskBaselines.Trainers)
                {
                    SingleTaskBaselines.Result? Of(TaskColumn task) => results.SingleOrDefault(r => r.Trainer == trainer && r.Task == task.Name);
                    rows.Add(($"{trainer} (single-task)", [.. dataset.Tasks.Select(t => Of(t)?.Metric ?? double.NaN), .. binary.Select(t => Of(t)?.GroupAuc ?? double.NaN)], clock.Elapsed));
                    byDomain.AddRange(results.Where(r => r.Trainer == trainer && r.NotRun is null && r.ByDomain.Count > 0).Select(r => (r.Task, $"{trainer} (single-task)", r.ByDomain)));
                }
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("Model");
            foreach (var task in dataset.Tasks)
                table.AddColumn(new TableColumn($"{task.Name} {task.Kind.HeadlineMetric}").RightAligned());
            foreach (var task in binary)
                table.AddColumn(new TableColumn($"{task.Name} GAUC").RightAligned());
            foreach (var (model, metrics, _) in rows)
                table.AddRow([Markup.Escape(model), .. metrics.Select(m => double.IsNaN(m) ? "-" : m.ToString("F4", CultureInfo.InvariantCulture))]);
            console.Console.Write(table);
            if (domainColumn is not null)
                console.DomainComparison(domainColumn, byDomain.OrderBy(r => dataset.Tasks.Select(t => t.Name).ToList().IndexOf(r.Task)).ToArray());
            return 0;
        }));
        return command;
    }

    /// <summary>The per-domain rows of the alternatives to a scenario-aware model, trained with <paramref name="first"/>'s settings.</summary>
    private static IEnumerable<(string Task, string Model, IReadOnlyList<MLNet.Evaluation.DomainScore> Scores)> Alternatives(MLContext ml, CliOutput console,
        (string Label, MultiTaskNetworkTrainerOptions Options) first, IDataView train, IDataView test, string domainColumn, IReadOnlyList<TaskColumn> tasks, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        var result = DomainAlternatives.Run(ml, first.Options, train, null, test, domainColumn, new Progress<string>(line => console.Line($"  training {line}")), token);
        string architecture = DomainAlternatives.Blind(first.Options).Network.Name;
        console.SeparateDomainModels(domainColumn, result);
        console.Line($"  {architecture} ignoring {domainColumn} and per {domainColumn}: {clock.Elapsed.TotalSeconds:F1} s");
        return tasks.SelectMany(t => result.OwnModels.Count == 0 ? [(t.Name, $"{architecture} ignoring {domainColumn}", result.Blind[t.Name])] : new[]
        {
            (t.Name, $"{architecture} ignoring {domainColumn}", result.Blind[t.Name]),
            (t.Name, $"{architecture} per {domainColumn}", result.Separate[t.Name]),
        });
    }

    private static string Format(double[] values) => string.Join("  ", values.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)));
}

using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks;
using MlNetMtl.Settings;

namespace MlNetMtl.Cli;

/// <summary>
/// <c>mlnet-mtl demo</c>, the README's main job: generates the MMoE synthetic two-task data, trains a shared-bottom
/// network through an ML.NET pipeline with progress per epoch, evaluates every task on held-out rows, saves the
/// model, reloads it in a fresh context and checks that it predicts the same.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var data = new SyntheticDataOptions();
        var training = new TrainingOptionSet();
        var rows = new Option<int>("--rows") { Description = "Training rows (a quarter as many again are generated for the held-out test).", DefaultValueFactory = _ => 20_000 };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to save the model (default: a file in the temporary folder)." };
        var command = new Command("demo", "Generate two-task data, train, evaluate, save, reload: the whole job on built-in data.");
        data.AddTo(command);
        training.AddTo(command);
        command.Options.Remove(training.Of("seed")); // the generator's --seed seeds training too
        command.Options.Add(rows);
        command.Options.Add(output);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            var console = run.Output;
            string path = CliPaths.Output(parse.GetValue(output) ?? new FileInfo(Path.Combine(Path.GetTempPath(), "mlnet-mtl-demo.zip")), "--output");
            var generator = data.CreateGenerator(parse);
            int seed = parse.GetValue(data.Seed), trainRows = parse.GetValue(rows);
            console.Line($"Generating {trainRows:N0} training and {trainRows / 4:N0} test rows: d={parse.GetValue(data.Dimension)}, " +
                         $"task correlation p={generator.RealisedCorrelation:F2}, {parse.GetValue(data.Kind)} tasks (MMoE paper's generator).");
            var train = new DatasetDataView(generator.Generate(trainRows, seed));
            var test = new DatasetDataView(generator.Generate(Math.Max(1, trainRows / 4), seed + 1));

            var ml = run.Context(seed);
            var progress = run.Verbosity == Verbosity.Quiet ? null : console.EpochProgress(train.Tasks.Select(t => t.Name).ToArray());
            var options = training.Create(parse, DatasetDataView.FeatureColumnName, train.Tasks, progress);
            options.Training = options.Training with { Seed = seed };
            var network = options.Network;
            var trainingOptions = options.Training;
            console.Line($"{network.Name}: {Describe(network)} → 1 output per task; " +
                         $"{trainingOptions.Optimizer} lr {trainingOptions.LearningRate}, batch {trainingOptions.BatchSize}, up to {trainingOptions.Epochs} epochs, {trainingOptions.Weighting.Name} loss weights.");
            var clock = Stopwatch.StartNew();
            var model = ml.MultiTask().Network(options).Fit(train, null, run.Token);
            var best = model.TrainingHistory[model.BestEpoch - 1];
            string criterion = options.Training.EarlyStoppingTask is null ? $"mean validation loss {best.MeanValidationLoss:F4}" : $"{options.Training.EarlyStoppingTask} validation metric {best.ValidationMetric:F4}";
            console.Line($"Trained {model.TrainingHistory.Count} epochs in {clock.Elapsed.TotalSeconds:F1} s; kept epoch {best.Epoch} ({criterion}).");

            var scored = model.Transform(test);
            console.Line($"Held-out test ({test.GetRowCount():N0} rows):");
            console.Metrics(ml.MultiTask().Evaluate(scored, model));

            ml.MultiTask().SaveModel(model, train.Schema, path);
            var reloaded = new MLContext(seed).MultiTask().LoadModel(path, out _);
            var before = Scores(model, test, train.Tasks);
            var after = Scores(reloaded, test, train.Tasks);
            bool same = before.SequenceEqual(after);
            console.Line($"Saved the model to {path} ({new FileInfo(path).Length / 1024:N0} KiB); reloaded in a fresh MLContext: " +
                         (same ? $"identical predictions on all {test.GetRowCount():N0} test rows." : "PREDICTIONS DIFFER."));
            return same ? 0 : 1;
        }));
        return command;
    }

    /// <summary>The network's settings as the command line names them: <c>bottom 256,128, tower 64, dropout 0</c>.</summary>
    private static string Describe(NetworkOptions network) =>
        string.Join(", ", Setting.Of(network.GetType()).Select(s => $"{s.Flag} {Setting.Format(s.Get(network))}"));

    /// <summary>Every task's first output of every row (all k of a multiclass task's probabilities), in order.</summary>
    private static float[] Scores(ITransformer model, IDataView data, IEnumerable<TaskColumn> tasks)
    {
        var scored = model.Transform(data);
        return tasks.SelectMany(task =>
        {
            string column = OutputColumnNames.Of(task.Name, task.Kind.Outputs[0]);
            return scored.Schema[column].Type is VectorDataViewType ? scored.GetColumn<float[]>(column).SelectMany(v => v) : scored.GetColumn<float>(column);
        }).ToArray();
    }
}

using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;

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
        var training = new TrainingOptionSet(defaultEpochs: 15);
        var rows = new Option<int>("--rows") { Description = "Training rows (a quarter as many again are generated for the held-out test).", DefaultValueFactory = _ => 20_000 };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to save the model (default: a file in the temporary folder)." };
        var command = new Command("demo", "Generate two-task data, train, evaluate, save, reload: the whole job on built-in data.");
        data.AddTo(command);
        training.AddTo(command);
        command.Options.Remove(training.Seed);
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
            options.Seed = seed;
            string experts = $"[{string.Join(", ", options.ExpertWidths)}]";
            string body = options.Architecture switch
            {
                NetworkArchitecture.SharedBottom => $"shared bottom [{string.Join(", ", options.BottomWidths)}]",
                NetworkArchitecture.PLE => $"{options.Levels} levels of {options.TaskExperts} experts per task and {options.SharedExperts} shared experts {experts}",
                _ => $"{options.ExpertCount} experts {experts} with {(options.Architecture == NetworkArchitecture.MMoE ? "a gate per task" : "one shared gate")}",
            };
            console.Line($"{options.Architecture}: {body}, towers [{string.Join(", ", options.TowerWidths)}] → 1 output per task; " +
                         $"{options.Optimizer} lr {options.LearningRate}, batch {options.BatchSize}, up to {options.Epochs} epochs.");
            var clock = Stopwatch.StartNew();
            var model = ml.MultiTask().Network(options).Fit(train, null, run.Token);
            var best = model.TrainingHistory[model.BestEpoch - 1];
            string criterion = options.EarlyStoppingTask is null ? $"mean validation loss {best.MeanValidationLoss:F4}" : $"{options.EarlyStoppingTask} validation metric {best.ValidationMetric:F4}";
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

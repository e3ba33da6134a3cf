using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MlNetMtl.Data;
using MlNetMtl.Evaluation;
using MlNetMtl.Networks;
using MlNetMtl.Training;

namespace MlNetMtl.Cli;

/// <summary>
/// <c>mlnet-mtl demo</c>: generates the MMoE synthetic two-task data, trains a shared-bottom network with
/// progress per epoch, and reports held-out quality per task and training speed.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var data = new SyntheticDataOptions();
        var rows = new Option<int>("--rows") { Description = "Training rows (a quarter as many again are generated for the held-out test).", DefaultValueFactory = _ => 20_000 };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs (early stopping on a 10% validation split).", DefaultValueFactory = _ => 15 };
        var bottom = new Option<string>("--bottom") { Description = "Shared bottom widths, comma-separated.", DefaultValueFactory = _ => "256,128" };
        var tower = new Option<string>("--tower") { Description = "Tower hidden widths, comma-separated (empty for a linear head).", DefaultValueFactory = _ => "64" };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per mini-batch.", DefaultValueFactory = _ => 256 };
        var learningRate = new Option<float>("--learning-rate") { Description = "Adam step size.", DefaultValueFactory = _ => 1e-3f };
        var dropout = new Option<float>("--dropout") { Description = "Dropout rate of hidden units during training.", DefaultValueFactory = _ => 0f };

        var command = new Command("demo", "Train a shared-bottom multi-task network on generated data and report held-out quality.");
        data.AddTo(command);
        foreach (var option in new Option[] { rows, epochs, bottom, tower, batchSize, learningRate, dropout })
            command.Options.Add(option);
        command.SetAction(parse => CliApp.Guard(() =>
        {
            var network = new SharedBottomOptions { BottomWidths = Widths(parse.GetValue(bottom)!), TowerWidths = Widths(parse.GetValue(tower)!), Dropout = parse.GetValue(dropout) };
            var generator = data.CreateGenerator(parse);
            int seed = parse.GetValue(data.Seed), trainRows = parse.GetValue(rows);
            Console.WriteLine($"Generating {trainRows:N0} training and {trainRows / 4:N0} test rows: d={parse.GetValue(data.Dimension)}, " +
                              $"task correlation p={generator.RealisedCorrelation:F2}, {parse.GetValue(data.Kind)} tasks.");
            var train = generator.Generate(trainRows, seed);
            var test = generator.Generate(Math.Max(1, trainRows / 4), seed + 1);

            var training = new TrainerOptions { Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batchSize), LearningRate = parse.GetValue(learningRate), Seed = seed };
            Console.WriteLine($"Shared bottom [{string.Join(", ", network.BottomWidths)}], towers [{string.Join(", ", network.TowerWidths)}] → 1 per task; " +
                              $"Adam lr {training.LearningRate}, batch {training.BatchSize}, up to {training.Epochs} epochs.");

            var clock = Stopwatch.StartNew();
            var result = new MultiTaskTrainer(network, training).Fit(train, progress: new ConsoleProgress(train.Tasks));
            clock.Stop();
            long samples = result.Epochs.Count * (long)(train.Rows - (int)Math.Round(train.Rows * training.ValidationFraction));
            Console.WriteLine($"Trained {result.Epochs.Count} epochs in {clock.Elapsed.TotalSeconds:F1} s ({samples / clock.Elapsed.TotalSeconds:N0} samples/s, validation included); " +
                              $"kept epoch {result.BestEpoch}{(result.StoppedEarly ? " (stopped early)" : "")}.");
            Report(result.Network, test);
            return 0;
        }));
        return command;
    }

    private static void Report(SharedBottomNetwork network, MultiTaskDataset test)
    {
        var features = (DenseFeatures)test.Features;
        int tasks = test.Tasks.Count;
        var scores = new float[test.Rows * tasks];
        network.Predict(InputBatch.FromDense(features.Values, test.Rows, features.Dimension), scores);
        Console.WriteLine($"Held-out test ({test.Rows:N0} rows):");
        for (int t = 0; t < tasks; t++)
        {
            var taskScores = Enumerable.Range(0, test.Rows).Select(r => scores[r * tasks + t]).ToArray();
            var labels = test.Labels[t];
            string metric = test.Tasks[t].Kind == TaskKind.Binary
                ? $"AUC {RankingMetrics.Auc(taskScores, labels):F4}"
                : $"MSE {taskScores.Zip(labels, (p, y) => (p - y) * (double)(p - y)).Average():F4} (label variance {Variance(labels):F4})";
            Console.WriteLine($"  {test.Tasks[t].Name,-8} {metric}");
        }
    }

    private static double Variance(float[] values)
    {
        double mean = values.Average();
        return values.Average(v => (v - mean) * (v - mean));
    }

    private static int[] Widths(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out int width)
                ? width
                : throw new ArgumentException($"'{w}' in '{text}' is not a layer width."))
            .ToArray();

    private sealed class ConsoleProgress(IReadOnlyList<TaskDefinition> tasks) : IProgress<EpochReport>
    {
        public void Report(EpochReport report)
        {
            string Losses(IReadOnlyList<double> losses) => string.Join("  ", losses.Select((l, t) => $"{tasks[t].Name} {l:F4}"));
            Console.WriteLine($"  epoch {report.Epoch,3}  train [{Losses(report.TrainingLoss)}]  validation [{Losses(report.ValidationLoss)}]  {report.Elapsed.TotalSeconds:F2} s");
        }
    }
}

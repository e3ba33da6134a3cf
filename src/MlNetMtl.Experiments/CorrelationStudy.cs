using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Experiments;

/// <summary>
/// The MMoE paper's synthetic experiment (Ma et al. 2018, §4.2, Fig. 4): two regression tasks whose correlation p
/// is set exactly; MMoE (8 experts × 16 units, towers of 8) against a shared-bottom network of about the same
/// number of parameters, held-out mean squared error per task, averaged over seeds. The paper's finding: as p falls,
/// shared-bottom degrades much more than MMoE.
/// </summary>
public static class CorrelationStudy
{
    /// <summary>One cell of the study's table.</summary>
    /// <param name="Model">"MMoE" or "Shared-bottom".</param>
    /// <param name="Correlation">The task correlation p.</param>
    /// <param name="Parameters">Trainable parameters of the model.</param>
    /// <param name="MeanLoss">Held-out MSE averaged over both tasks and every seed.</param>
    /// <param name="StdError">Standard error of that mean across seeds.</param>
    public sealed record Result(string Model, double Correlation, int Parameters, double MeanLoss, double StdError);

    /// <summary>The study's settings; defaults follow the paper where it says, and keep the run to about a minute.</summary>
    public sealed class Options
    {
        /// <summary>Task correlations p. Default {1.0, 0.9, 0.5}.</summary>
        public double[] Correlations { get; init; } = [1.0, 0.9, 0.5];
        /// <summary>Seeds (each draws new task weights and data). Default 3.</summary>
        public int Seeds { get; init; } = 3;
        /// <summary>Input dimension. Default 100 (the paper's).</summary>
        public int Dimension { get; init; } = 100;
        /// <summary>Training rows. Default 20,000 (with 10,000 the seed-to-seed spread hides the difference).</summary>
        public int TrainRows { get; init; } = 20_000;
        /// <summary>Held-out rows. Default 2,000.</summary>
        public int TestRows { get; init; } = 2_000;
        /// <summary>Maximum epochs (early stopping on 10% validation, patience 5). Default 60.</summary>
        public int Epochs { get; init; } = 60;

        internal void Validate()
        {
            if (Correlations is not { Length: > 0 } || Correlations.Any(p => !(p >= -1 && p <= 1)))
                throw new ArgumentOutOfRangeException(nameof(Correlations), "Correlations must list at least one correlation, each in [-1, 1].");
            if (Seeds < 1)
                throw new ArgumentOutOfRangeException(nameof(Seeds), Seeds, "Seeds must be at least 1: each cell averages over that many seeds.");
            if (Dimension < 2)
                throw new ArgumentOutOfRangeException(nameof(Dimension), Dimension, "Dimension must be at least 2.");
            if (TrainRows < 10 || TestRows < 1)
                throw new ArgumentOutOfRangeException(nameof(TrainRows), TrainRows, "TrainRows must be at least 10 and TestRows at least 1.");
            if (Epochs < 1)
                throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1.");
        }
    }

    /// <summary>The MMoE of the paper's experiment: 8 experts of 16 units, a gate per task, towers of 8.</summary>
    public static MmoeOptions Mmoe { get; } = new() { ExpertCount = 8, ExpertWidths = [16], TowerWidths = [8] };

    /// <summary>A shared-bottom network with towers of 8 and the bottom width that best matches MMoE's parameter count.</summary>
    public static SharedBottomOptions ParameterMatchedSharedBottom(int dimension)
    {
        var tasks = Tasks();
        int target = Count(MultiTaskNetwork.Create(dimension, tasks, Mmoe));
        int width = Enumerable.Range(8, 512).MinBy(w => Math.Abs(Count(MultiTaskNetwork.Create(dimension, tasks, SharedBottom(w))) - target));
        return SharedBottom(width);
    }

    /// <summary>Runs the study, reporting each finished cell.</summary>
    /// <exception cref="ArgumentException">An option is out of range (it is named).</exception>
    public static IReadOnlyList<Result> Run(Options options, IProgress<Result>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var models = new (string Name, NetworkOptions Network)[] { ("MMoE", Mmoe), ("Shared-bottom", ParameterMatchedSharedBottom(options.Dimension)) };
        var results = new List<Result>();
        foreach (double p in options.Correlations)
            foreach (var (name, network) in models)
            {
                var losses = new List<double>();
                for (int seed = 1; seed <= options.Seeds; seed++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    losses.Add(HeldOutLoss(network, p, seed, options));
                }
                double mean = losses.Average();
                double stdError = losses.Count > 1 ? Math.Sqrt(losses.Sum(l => (l - mean) * (l - mean)) / (losses.Count - 1) / losses.Count) : 0;
                var result = new Result(name, p, Count(MultiTaskNetwork.Create(options.Dimension, Tasks(), network)), mean, stdError);
                results.Add(result);
                progress?.Report(result);
            }
        return results;
    }

    /// <summary>Held-out MSE averaged over both tasks for one model, correlation and seed.</summary>
    public static double HeldOutLoss(NetworkOptions network, double correlation, int seed, Options options)
    {
        var generator = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = options.Dimension, Correlation = correlation, Seed = seed });
        var train = generator.Generate(options.TrainRows, seed * 1000 + 1);
        var test = generator.Generate(options.TestRows, seed * 1000 + 2);
        var result = new MultiTaskTrainer(network, new TrainerOptions { Epochs = options.Epochs, Seed = seed, EarlyStoppingPatience = 5 }).Fit(train);
        var features = (DenseFeatures)test.Features;
        var scores = new float[test.Rows * 2];
        result.Network.Predict(InputBatch.FromDense(features.Values, test.Rows, features.Dimension), scores);
        double sum = 0;
        for (int r = 0; r < test.Rows; r++)
            for (int t = 0; t < 2; t++)
                sum += Math.Pow(scores[r * 2 + t] - test.Labels[t][r], 2);
        return sum / (2.0 * test.Rows);
    }

    private static SharedBottomOptions SharedBottom(int width) => new() { BottomWidths = [width], TowerWidths = [8] };

    private static TaskDefinition[] Tasks() => SyntheticTaskGenerator.TaskNames.Select(n => new TaskDefinition(n, TaskKind.Regression)).ToArray();

    private static int Count(MultiTaskNetwork network) => network.Parameters.Sum(p => p.Rows * p.Columns);
}

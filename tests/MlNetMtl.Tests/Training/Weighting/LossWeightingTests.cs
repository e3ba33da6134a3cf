using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Tests.Training.Weighting;

public class LossWeightingTests
{
    private static readonly TaskDefinition[] TwoTasks = [new("a", TaskKind.Regression), new("b", TaskKind.Binary)];

    private static EpochReport Report(int epoch, double[] training, double[] validation) =>
        new(epoch, training, validation, double.NaN, TimeSpan.Zero, [1.0, 1.0]);

    [Test]
    public void Dwa_WeightsFollowTheLossRatios()
    {
        var state = new DynamicWeightAverage { Temperature = 2f }.Start(TwoTasks, new TrainerOptions());
        state.BeginEpoch(1, []);
        Assert.That(state.Weights, Is.EqualTo(new[] { 1f, 1f }), "the first two epochs are unweighted");
        state.BeginEpoch(3, [Report(1, [1.0, 1.0], []), Report(2, [0.5, 1.0], [])]);
        // r = (0.5, 1.0); w = 2·exp(r/2)/Σ exp(r/2)
        double ea = Math.Exp(0.25), eb = Math.Exp(0.5);
        Assert.That(state.Weights[0], Is.EqualTo(2 * ea / (ea + eb)).Within(1e-6));
        Assert.That(state.Weights[1], Is.EqualTo(2 * eb / (ea + eb)).Within(1e-6));
    }

    [Test]
    public void ValidationDriven_UsesValidationLossTrends()
    {
        var state = new ValidationDrivenWeighting { Temperature = 1f }.Start(TwoTasks, new TrainerOptions());
        state.BeginEpoch(3, [Report(1, [1, 1], [2.0, 1.0]), Report(2, [0.1, 1], [1.0, 1.2])]);
        double ea = Math.Exp(0.5), eb = Math.Exp(1.2);
        Assert.That(state.Weights[0], Is.EqualTo(2 * ea / (ea + eb)).Within(1e-6), "task a's validation loss halved: less weight");
        Assert.That(state.Weights[1], Is.EqualTo(2 * eb / (ea + eb)).Within(1e-6), "task b's validation loss rose: more weight");
    }

    [Test]
    public void Uncertainty_ObjectiveGradient_MatchesFiniteDifferences()
    {
        double[] losses = [0.8, 0.3];
        float[] s = [0.4f, -0.7f];
        var gradient = new float[2];
        UncertaintyWeighting.Objective(TwoTasks, losses, s, gradient);
        for (int t = 0; t < 2; t++)
        {
            const float h = 1e-3f;
            float[] plus = (float[])s.Clone(), minus = (float[])s.Clone();
            plus[t] += h;
            minus[t] -= h;
            double numeric = (UncertaintyWeighting.Objective(TwoTasks, losses, plus, new float[2]) - UncertaintyWeighting.Objective(TwoTasks, losses, minus, new float[2])) / (2 * h);
            Assert.That(gradient[t], Is.EqualTo(numeric).Within(1e-4), $"task {t}");
        }
        // Regression: e^(−s)/2 · L + s/2; classification: e^(−s) · L + s/2.
        Assert.That(gradient[0], Is.EqualTo(-Math.Exp(-0.4) / 2 * 0.8 + 0.5).Within(1e-6));
        Assert.That(gradient[1], Is.EqualTo(-Math.Exp(0.7) * 0.3 + 0.5).Within(1e-6));
    }

    [Test]
    public void Uncertainty_GivesTheNoisierTaskTheSmallerWeight()
    {
        var generated = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 20, Correlation = 0.9 }).Generate(8000, 3);
        var noise = new Random(4);
        var noisy = generated.Labels[1].Select(v => v + (float)(MathNet.Numerics.Distributions.Normal.Sample(noise, 0, 1) * 3)).ToArray(); // σ 3 vs 0.01
        var data = new MultiTaskDataset(generated.Features, generated.Tasks, [generated.Labels[0], noisy]);
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] },
            new TrainerOptions { Epochs = 10, Weighting = new UncertaintyWeighting(), EarlyStoppingPatience = 0 }).Fit(data);
        var last = result.Epochs[^1].TaskWeights;
        TestContext.Out.WriteLine($"uncertainty weights: clean {last[0]:F3}, noisy {last[1]:F3}");
        Assert.That(last[1], Is.LessThan(0.5 * last[0]));
    }

    [Test]
    public void RandomWeights_ArePositive_SumToTheTaskCount_VaryAndAreSeeded()
    {
        var state = new RandomLossWeighting().Start([.. TwoTasks, new TaskDefinition("c", TaskKind.Binary)], new TrainerOptions());
        var random = new Random(7);
        var draws = new List<float[]>();
        for (int i = 0; i < 20; i++)
        {
            state.BeginBatch(random);
            draws.Add((float[])state.Weights.Clone());
            Assert.That(state.Weights, Is.All.Positive);
            Assert.That(state.Weights.Sum(), Is.EqualTo(3f).Within(1e-5));
        }
        Assert.That(draws.Select(d => d[0]).Distinct().Count(), Is.GreaterThan(10));
        var again = new RandomLossWeighting().Start([.. TwoTasks, new TaskDefinition("c", TaskKind.Binary)], new TrainerOptions());
        again.BeginBatch(new Random(7));
        Assert.That(again.Weights, Is.EqualTo(draws[0]));
    }

    [Test]
    public void Strategies_AreChosenByName_AndRecordTheirWeightsEveryEpoch()
    {
        foreach (string name in LossWeighting.Names)
            Assert.That(LossWeighting.Create(name).Name, Is.EqualTo(name));
        Assert.That(() => LossWeighting.Create("gradvac"), Throws.ArgumentException.With.Message.Contains("fixed, uncertainty"));
        Assert.That(() => new MultiTaskTrainer(training: new TrainerOptions { Weighting = new DynamicWeightAverage { Temperature = 0 } }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Temperature"));

        var data = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 8 }).Generate(600, 1);
        var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [8] }, new TrainerOptions { Epochs = 4, Weighting = new DynamicWeightAverage(), EarlyStoppingPatience = 0 }).Fit(data);
        Assert.That(result.Epochs.Select(e => e.TaskWeights.Count), Is.All.EqualTo(2));
        Assert.That(result.Epochs[0].TaskWeights, Is.EqualTo(new[] { 1.0, 1.0 }));
        Assert.That(result.Epochs[2].TaskWeights.Sum(), Is.EqualTo(2.0).Within(1e-5));
        Assert.That(result.Epochs[2].TaskWeights[0], Is.Not.EqualTo(1.0));
    }
}

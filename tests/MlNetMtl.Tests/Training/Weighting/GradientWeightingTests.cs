using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Evaluation;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Tests.Training.Weighting;

public class GradientWeightingTests
{
    [Test]
    public void PCGrad_ProjectsConflictingGradients()
    {
        float[][] g = [[1f, 0f], [-1f, 1f]];
        var result = new float[2];
        PCGrad.Project(new TaskVectors(g, 2), result, [0, 1], [0, 1], new float[2]);
        // g₁′ = g₁ − (g₁·g₂/‖g₂‖²)g₂ = (0.5, 0.5); g₂′ = g₂ − (g₂·g₁/‖g₁‖²)g₁ = (0, 1).
        Assert.That(result, Is.EqualTo(new[] { 0.5f, 1.5f }).Within(1e-6f));
        float[][] agreeing = [[1f, 0f], [1f, 1f]];
        PCGrad.Project(new TaskVectors(agreeing, 2), result, [0, 1], [0, 1], new float[2]);
        Assert.That(result, Is.EqualTo(new[] { 2f, 1f }), "no conflict, no projection");
    }

    private static double[,] Gram(params double[][] vectors)
    {
        var gram = new double[vectors.Length, vectors.Length];
        for (int i = 0; i < vectors.Length; i++)
            for (int j = 0; j < vectors.Length; j++)
                gram[i, j] = vectors[i].Zip(vectors[j], (a, b) => a * b).Sum();
        return gram;
    }

    private static double[] Flat(double[,] gram) => gram.Cast<double>().ToArray();

    private static double[] MinNormWeights(double[,] gram)
    {
        var alpha = new double[gram.GetLength(0)];
        Mgda.MinNormWeights(Flat(gram), alpha);
        return alpha;
    }

    [Test]
    public void Mgda_FindsTheMinNormPoint()
    {
        // Two tasks: α₁ = ((g₂ − g₁)·g₂)/‖g₁ − g₂‖², clipped to [0, 1].
        Assert.That(MinNormWeights(Gram([2, 0], [0, 1])), Is.EqualTo(new[] { 0.2, 0.8 }).Within(1e-6));
        Assert.That(MinNormWeights(Gram([1, 0], [2, 0])), Is.EqualTo(new[] { 1.0, 0.0 }).Within(1e-6));
        // Three unit axes: the centroid.
        Assert.That(MinNormWeights(Gram([1, 0, 0], [0, 1, 0], [0, 0, 1])), Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-3));
    }

    [Test]
    public void MgdaUpperBound_ScalesEachTasksLossByTheMinNormWeightsOfItsRepresentationGradient()
    {
        var data = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 10 }).Generate(40, 8);
        var network = MultiTaskNetwork.Create(10, data.Tasks, new SharedBottomOptions { BottomWidths = [12], TowerWidths = [6] }, seed: 2);
        var gatherer = new BatchGatherer(data, data.Rows);
        var workspace = network.CreateWorkspace(data.Rows);
        var batch = gatherer.Gather(Enumerable.Range(0, data.Rows).ToArray());
        double[] sums = new double[2], weights = new double[2];
        MultiTaskObjective.Evaluate(network, batch, gatherer.LabelBuffers, gatherer.WeightBuffers, workspace, null, false, sums, weights, out _, out _, default, null);
        var saved = workspace.OutputGradients.Select(g => g.ToArray()).ToArray();

        // Reference: each task's representation gradient alone, α from their Gram matrix, one backward with 2α-scaled outputs.
        var representation = new float[2][];
        for (int t = 0; t < 2; t++)
        {
            for (int u = 0; u < 2; u++)
                (u == t ? saved[u] : new float[saved[u].Length]).CopyTo(workspace.OutputGradients[u], 0);
            network.Backward(batch, workspace, false);
            representation[t] = workspace.RepresentationGradient(data.Rows).ToArray();
        }
        var alpha = MinNormWeights(Gram(representation.Select(r => r.Select(v => (double)v).ToArray()).ToArray()));
        for (int t = 0; t < 2; t++)
            saved[t].Select(v => (float)(2 * alpha[t]) * v).ToArray().CopyTo(workspace.OutputGradients[t], 0);
        network.Backward(batch, workspace, false);
        var expected = network.Parameters.Select(p => p.Gradient.ToArray()).ToArray();

        for (int t = 0; t < 2; t++)
            saved[t].CopyTo(workspace.OutputGradients[t], 0);
        var strategy = (GradientWeightingState)new Mgda().Start(data.Tasks, new TrainerOptions());
        new GradientSurgery(network, workspace, network.Parameters).Backward(batch, false, strategy, new Random(1));
        for (int i = 0; i < expected.Length; i++)
            Assert.That(network.Parameters[i].Gradient, Is.EqualTo(expected[i]).Within(1e-6f), network.Parameters[i].Name);
        Assert.That(alpha[0], Is.InRange(0.0, 1.0));
    }

    [TestCase(0.4)]
    [TestCase(1.0)]
    public void CAGrad_WeightsMinimiseItsObjective_ForTwoTasks(double c)
    {
        double[] g1 = [1, 0.2], g2 = [-0.6, 1];
        var gram = Gram(g1, g2);
        var w = new double[2];
        CAGrad.Weights(Flat(gram), c, w);
        double Objective(double w1)
        {
            double w2 = 1 - w1;
            double b1 = (gram[0, 0] + gram[0, 1]) / 2, b2 = (gram[1, 0] + gram[1, 1]) / 2;
            double meanGram = (gram[0, 0] + gram[0, 1] + gram[1, 0] + gram[1, 1]) / 4;
            double norm = Math.Sqrt(w1 * w1 * gram[0, 0] + 2 * w1 * w2 * gram[0, 1] + w2 * w2 * gram[1, 1]);
            return w1 * b1 + w2 * b2 + c * Math.Sqrt(meanGram) * norm;
        }
        double best = Enumerable.Range(0, 100_001).Select(i => i / 100_000.0).MinBy(Objective);
        Assert.That(w[0], Is.EqualTo(best).Within(2e-3));
        Assert.That(w.Sum(), Is.EqualTo(1).Within(1e-9));
    }

    [Test]
    public void GradientStrategies_Train_AndAreDeterministic()
    {
        var generator = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 16, Kind = TaskKind.Binary, Correlation = 0.5 });
        var train = generator.Generate(4000, 1);
        var test = generator.Generate(1500, 2);
        foreach (var strategy in new GradientWeighting[] { new PCGrad(), new Mgda(), new CAGrad(), new GradNorm() })
        {
            TrainingResult Fit() => new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] },
                new TrainerOptions { Epochs = 10, LearningRate = 3e-3f, Weighting = strategy, Seed = 4 }).Fit(train);
            var result = Fit();
            var scores = TrainingHelpers.Scores(result.Network, test);
            double auc1 = RankingMetrics.Auc(scores[0], test.Labels[0]), auc2 = RankingMetrics.Auc(scores[1], test.Labels[1]);
            TestContext.Out.WriteLine($"{strategy.Name}: AUC {auc1:F4} / {auc2:F4}, last weights {string.Join(", ", result.Epochs[^1].TaskWeights.Select(w => w.ToString("F3")))}");
            Assert.That(Math.Min(auc1, auc2), Is.GreaterThan(0.85), strategy.Name);
            Assert.That(Fit().Network.Parameters.SelectMany(p => p.Values.ToArray()), Is.EqualTo(result.Network.Parameters.SelectMany(p => p.Values.ToArray())), $"{strategy.Name} is seeded");
        }
    }

    [Test]
    public void GradientSurgery_OnSparseInputsAndExperts_TouchesOnlyTheBatchRows_AndLearns()
    {
        // One-hot user (of 5,000) and item (of 200) ids; task a depends on the user, task b on the item.
        const int users = 5_000, items = 200, rows = 8_000;
        var random = new Random(2);
        var starts = Enumerable.Range(0, rows + 1).Select(r => 2 * r).ToArray();
        var indices = new int[2 * rows];
        float[] a = new float[rows], b = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int user = random.Next(400) * 12, item = random.Next(items);
            indices[2 * r] = user;
            indices[2 * r + 1] = users + item;
            a[r] = user / 12 % 2;
            b[r] = item % 3 == 0 ? 1 : 0;
        }
        var data = new MultiTaskDataset(new SparseFeatures(starts, indices, Enumerable.Repeat(1f, 2 * rows).ToArray(), users + items),
            [new TaskDefinition("a", TaskKind.Binary), new TaskDefinition("b", TaskKind.Binary)], [a, b]);
        var result = new MultiTaskTrainer(new PleOptions { Levels = 1, ExpertWidths = [16], TowerWidths = [8] },
            new TrainerOptions { Epochs = 8, LearningRate = 1e-2f, Weighting = new Mgda(), ForgetUnseenSlots = false }).Fit(data); // the update's own untouched rows
        var scores = TrainingHelpers.Scores(result.Network, data);
        Assert.That(RankingMetrics.Auc(scores[0], a), Is.GreaterThan(0.9));
        Assert.That(RankingMetrics.Auc(scores[1], b), Is.GreaterThan(0.9));
        var neverSeen = result.Network.Parameters.First(p => p.Name == "level0.shared.expert0.0.weight").Values.Slice(1 * 16, 16).ToArray();
        var initial = MultiTaskNetwork.Create(users + items, data.Tasks, new PleOptions { Levels = 1, ExpertWidths = [16], TowerWidths = [8] }, 42, 2)
            .Parameters.First(p => p.Name == "level0.shared.expert0.0.weight").Values.Slice(1 * 16, 16).ToArray();
        Assert.That(neverSeen, Is.EqualTo(initial), "user 1 never occurs: its weight row keeps its initial value");
    }

    /// <summary>Each task's gradient norm on the last shared layer over the whole data set, at the given task multipliers.</summary>
    private static double[] LastLayerNorms(MultiTaskNetwork network, MultiTaskDataset data, float[] multipliers)
    {
        var gatherer = new BatchGatherer(data, data.Rows);
        var workspace = network.CreateWorkspace(data.Rows);
        var batch = gatherer.Gather(Enumerable.Range(0, data.Rows).ToArray());
        var sums = new double[2];
        var weights = new double[2];
        MultiTaskObjective.Evaluate(network, batch, gatherer.LabelBuffers, gatherer.WeightBuffers, workspace, null, false, sums, weights, out _, out _, multipliers, null);
        var saved = workspace.OutputGradients.Select(g => g.ToArray()).ToArray();
        var norms = new double[2];
        for (int t = 0; t < 2; t++)
        {
            for (int u = 0; u < 2; u++)
                (u == t ? saved[u] : new float[saved[u].Length]).CopyTo(workspace.OutputGradients[u], 0);
            network.Backward(batch, workspace, false);
            norms[t] = Math.Sqrt(network.LastSharedParameters.Sum(p => p.Gradient.Sum(g => (double)g * g)));
        }
        return norms;
    }

    [Test]
    public void GradNorm_BringsTheTasksGradientNormsCloserThanFixedWeights()
    {
        var generated = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 16 }).Generate(4000, 3);
        // Task 2's labels are 10× larger, so its MSE — and its gradient — dwarfs task 1's under fixed weights.
        var data = new MultiTaskDataset(generated.Features, generated.Tasks, [generated.Labels[0], generated.Labels[1].Select(v => 10 * v).ToArray()]);
        double Ratio(LossWeighting weighting, int seed)
        {
            var result = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] },
                new TrainerOptions { Epochs = 6, Weighting = weighting, EarlyStoppingPatience = 0, ValidationFraction = 0, Seed = seed }).Fit(data);
            var norms = LastLayerNorms(result.Network, data, result.Epochs[^1].TaskWeights.Select(w => (float)w).ToArray());
            return Math.Max(norms[0], norms[1]) / Math.Min(norms[0], norms[1]);
        }
        // Over three seeds (one seed's initialisation can leave the ratio anywhere within a factor of two): closer on every seed, and by half in all.
        double fixedTotal = 0, gradNormTotal = 0;
        foreach (int seed in new[] { 1, 2, 3 })
        {
            double fixedRatio = Ratio(new FixedWeighting(), seed), gradNormRatio = Ratio(new GradNorm(), seed);
            TestContext.Out.WriteLine($"seed {seed}: gradient-norm ratio fixed {fixedRatio:F2}, GradNorm {gradNormRatio:F2}");
            Assert.That(gradNormRatio, Is.LessThan(fixedRatio), $"seed {seed}");
            fixedTotal += fixedRatio;
            gradNormTotal += gradNormRatio;
        }
        Assert.That(gradNormTotal, Is.LessThan(fixedTotal / 2));
    }
}

using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Tests.Numerics;
using MlNetMtl.Training;
using MlNetMtl.Training.Privacy;

namespace MlNetMtl.Tests.Training.Privacy;

/// <summary>
/// DP-SGD's ghost norms and clipped sums against the naive per-unit computation: each unit's rows run alone through the
/// objective (unnormalised), their gradients are read off every parameter and their norms and clipped sum formed directly.
/// </summary>
public class GhostClippingTests
{
    private const int Rows = 10;

    /// <summary>Twelve slots in four fields: two one-hot ids, a numeric value and a bag of three tags.</summary>
    private static readonly FieldLayout Fields = new([
        new Field("user", 0, 4, FieldKind.Categorical), new Field("item", 4, 4, FieldKind.Categorical),
        new Field("price", 8, 1, FieldKind.Numeric), new Field("tags", 9, 3, FieldKind.Bag)]);

    private static readonly string[] Layers =
    [
        "SharedBottom dense", "SharedBottom sparse", "MMoE dense", "OMoE dense", "PLE dense", "PLE sparse", "ESMM dense", "AITM dense",
        "SharedBottom FM", "MMoE Cross", "SharedBottom Cross-rank", "PLE FM-mean", "AITM FM",
    ];

    private static IEnumerable<TestCaseData> Cases() =>
        Layers.SelectMany(layer => new[] { new TestCaseData(layer, false), new TestCaseData(layer, true) });

    [TestCaseSource(nameof(Cases))]
    public void GhostNorms_EqualNaivePerUnitNorms(string network, bool byUser)
    {
        var (model, data) = Build(network);
        var units = byUser ? Users() : Enumerable.Range(0, Rows).ToArray();
        var naive = NaiveUnitGradients(model, data, units);
        var ghost = GhostNorms(model, data, units);
        for (int u = 0; u < naive.Count; u++)
        {
            double expected = naive[u].Sum(g => g.Sum(v => (double)v * v));
            Assert.That(ghost[u], Is.EqualTo(expected).Within(1e-4 * expected + 1e-9), $"{network}, unit {u}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void ClippedSum_EqualsNaiveClippedSum_InOneChunkOrSeveral(string network, bool byUser)
    {
        var (model, data) = Build(network);
        var users = byUser ? Users() : null;
        var units = users ?? Enumerable.Range(0, Rows).ToArray();
        var naive = NaiveUnitGradients(model, data, units);
        const float clip = 0.5f;
        var expected = model.Parameters.Select(p => new double[p.Value.Length]).ToArray();
        foreach (var gradient in naive)
        {
            double norm = Math.Sqrt(gradient.Sum(g => g.Sum(v => (double)v * v)));
            double scale = Math.Min(1, clip / norm);
            for (int p = 0; p < gradient.Length; p++)
                for (int i = 0; i < gradient[p].Length; i++)
                    expected[p][i] += scale * gradient[p][i] / naive.Count;
        }
        foreach (int capacity in new[] { Rows, 4 })
        {
            var actual = DpGradient(model, data, users, clip, noise: 0, capacity);
            for (int p = 0; p < expected.Length; p++)
                for (int i = 0; i < expected[p].Length; i++)
                    Assert.That(actual[p][i], Is.EqualTo(expected[p][i]).Within(1e-5 + 1e-4 * Math.Abs(expected[p][i])),
                        $"{network}, capacity {capacity}, {model.Parameters[p].Name}[{i}]");
        }
    }

    [Test]
    public void WithoutNoiseOrClipping_DpSgdEqualsThePlainMeanGradient()
    {
        var (model, weighted) = Build("MMoE dense");
        var data = new MultiTaskDataset(weighted.Features, weighted.Tasks, weighted.Labels); // unit weights: the plain mean divides by the rows too
        var dp = DpGradient(model, data, null, clip: 1e30f, noise: 0, Rows);
        var gatherer = new BatchGatherer(data, Rows);
        var batch = gatherer.Gather(Enumerable.Range(0, Rows).ToArray());
        var workspace = model.CreateWorkspace(Rows);
        MultiTaskObjective.Evaluate(model, batch, gatherer.LabelBuffers, gatherer.WeightBuffers, workspace, null, backward: true,
            new double[3], new double[3], out _);
        for (int p = 0; p < model.Parameters.Count; p++)
            Assert.That(dp[p], Is.EqualTo(model.Parameters[p].Gradient).Within(1e-6), model.Parameters[p].Name);
    }

    [Test]
    public void Noise_OnAFixedZeroGradient_HasMeanZeroAndDeviationSigmaCOverUnits()
    {
        var (model, data) = Build("MMoE dense");
        // Every row weighs 0, so every clipped sum is 0 and each step's gradient is N(0, σ²C²)/(q·units) on every value.
        var silent = new MultiTaskDataset(data.Features, data.Tasks, data.Labels, rowWeights: new float[Rows]);
        const double sigma = 2, clip = 0.5;
        var rows = Enumerable.Range(0, Rows).ToArray();
        var options = new PrivacyOptions { NoiseMultiplier = sigma, ClipNorm = (float)clip };
        var plan = new PrivacyGuarantee(0, 1e-6, sigma, 1.0, 0, (float)clip, "example", Rows);
        var dp = new DpSgd(model, model.CreateWorkspace(Rows), new BatchGatherer(silent, Rows), model.Parameters, rows, null, options, plan, new Random(2));
        var values = new List<double>();
        for (int step = 0; step < 20; step++)
        {
            Assert.That(dp.Compute(default, new TaskImbalance?[3], null, _ => { }, new double[3], new double[3], out _), Is.True);
            values.AddRange(model.Parameters.SelectMany(p => p.Gradient.Select(v => (double)v)));
        }
        double mean = values.Average(), deviation = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        double expected = sigma * clip / Rows;
        TestContext.Out.WriteLine($"{values.Count} values: mean {mean:G3}, deviation {deviation:G4} (expected {expected})");
        Assert.That(mean, Is.EqualTo(0).Within(4 * expected / Math.Sqrt(values.Count)));
        Assert.That(deviation, Is.EqualTo(expected).Within(expected * 4 * Math.Sqrt(0.5 / values.Count)));
    }

    [Test]
    public void UserLevelClipping_BoundsEachUsersWholeContribution()
    {
        var (model, data) = Build("SharedBottom FM");
        var users = Users();
        const float clip = 0.05f;
        // One user at a time (the others' rows weigh 0): each user's share of the mean is at most C / users.
        int count = users.Distinct().Count();
        foreach (int user in users.Distinct())
        {
            var only = new MultiTaskDataset(data.Features, data.Tasks, data.Labels,
                rowWeights: users.Select(u => u == user ? 1f : 0f).ToArray())
            { Users = users };
            var gradient = DpGradient(model, only, users, clip, noise: 0, Rows);
            double norm = Math.Sqrt(gradient.Sum(g => g.Sum(v => v * v)));
            Assert.That(norm, Is.LessThanOrEqualTo(clip / count * (1 + 1e-5)), $"user {user}");
            Assert.That(norm, Is.GreaterThan(clip / count * 0.5), $"user {user}: the bound should bind at this C");
        }
    }

    /// <summary>Three users over the ten rows, interleaved, so a user's rows share table rows and are not contiguous.</summary>
    private static int[] Users() => [7, 3, 7, 9, 3, 7, 9, 9, 3, 7];

    private static (MultiTaskNetwork Network, MultiTaskDataset Data) Build(string name)
    {
        string[] parts = name.Split(' ');
        NetworkOptions options = parts[0] switch
        {
            "SharedBottom" => new SharedBottomOptions { BottomWidths = [9, 6], TowerWidths = [4] },
            "MMoE" => new MmoeOptions { ExpertCount = 3, ExpertWidths = [6], TowerWidths = [4] },
            "OMoE" => new OmoeOptions { ExpertCount = 2, ExpertWidths = [5, 4], TowerWidths = [3] },
            "PLE" => new PleOptions { Levels = 2, SharedExperts = 1, TaskExperts = 1, ExpertWidths = [5], TowerWidths = [3] },
            "ESMM" => new EsmmOptions { BottomWidths = [9], TowerWidths = [5] },
            "AITM" => new AitmOptions { BottomWidths = [9], TowerWidths = [6, 5], CalibratorWeight = 0.6f },
            _ => throw new ArgumentException(name),
        };
        bool twoTasks = parts[0] is "ESMM" or "AITM";
        TaskDefinition[] tasks = twoTasks ? [new("ctr", TaskKind.Binary), new("ctcvr", TaskKind.Binary, 0.7f)]
            : [new("a", TaskKind.Binary), new("b", TaskKind.Regression, 0.5f), new("c", TaskKind.Binary, 2f)];
        FeatureMatrix features;
        FieldLayout? fields = null;
        if (parts[1] == "dense")
            features = new DenseFeatures(Reference.Random(Rows * 12, 4), Rows, 12);
        else
        {
            features = SparseRows();
            if (parts[1] != "sparse")
            {
                fields = Fields;
                options = options.WithEncoder(new EncoderOptions
                {
                    Encoding = InputEncoding.Embedding, EmbeddingSize = 3,
                    Interaction = parts[1].StartsWith("Cross") ? FeatureInteraction.Cross : FeatureInteraction.FM,
                    CrossRank = parts[1] == "Cross-rank" ? 2 : 0,
                    BagPooling = parts[1].EndsWith("mean") ? BagPooling.Mean : BagPooling.Sum,
                });
            }
        }
        var random = Reference.Random(Rows * 3, 9);
        var labels = Enumerable.Range(0, tasks.Length).Select(t => Enumerable.Range(0, Rows)
            .Select(r => tasks[t].Kind == TaskKind.Regression ? random[t * Rows + r] * 2 : twoTasks && t == 1 ? (r % 3 == 0 ? 1f : 0f) : r % 2 == t % 2 ? 1f : 0f).ToArray()).ToArray();
        var weights = Enumerable.Range(0, Rows).Select(r => 0.5f + r % 3 * 0.4f).ToArray();
        var data = options.PrepareData(new MultiTaskDataset(features, tasks, labels, weights));
        var network = MultiTaskNetwork.Create(12, tasks, options, seed: 5, fields: fields);
        foreach (var parameter in network.Parameters.Where(p => p.Name.EndsWith(".bias")))
            Reference.Random(parameter.Value.Length, parameter.Name.Length, 0.3f).CopyTo(parameter.Value, 0);
        return (network, data);
    }

    /// <summary>Ten rows over <see cref="Fields"/> (also read as plain sparse rows): users, items, a price and a bag of tags, repeats included.</summary>
    private static SparseFeatures SparseRows() => new(
        [0, 5, 9, 12, 16, 20, 23, 27, 31, 34, 38],
        [0, 4, 8, 9, 11, /**/ 1, 5, 8, 10, /**/ 0, 8, 9, /**/ 3, 7, 8, 11, /**/ 1, 6, 8, 9, /**/ 0, 4, 8, /**/ 2, 6, 8, 10,
         /**/ 2, 7, 8, 9, /**/ 1, 5, 8, /**/ 0, 4, 8, 11],
        [1, 1, 0.7f, 1, 1, /**/ 1, 1, -1.2f, 1, /**/ 1, 0.3f, 1, /**/ 1, 1, 2f, 1, /**/ 1, 1, -0.4f, 1, /**/ 1, 1, 0.9f, /**/ 1, 1, 0.1f, 1,
         /**/ 1, 1, -0.6f, 1, /**/ 1, 1, 1.5f, /**/ 1, 1, 0.2f, 1], 12);

    /// <summary>Each unit's gradient of Σ_{i∈u} L_i, parameter by parameter, from a batch of that unit's rows alone.</summary>
    private static List<float[][]> NaiveUnitGradients(MultiTaskNetwork network, MultiTaskDataset data, int[] units)
    {
        var result = new List<float[][]>();
        var gatherer = new BatchGatherer(data, Rows);
        var workspace = network.CreateWorkspace(Rows);
        var ones = Enumerable.Repeat(1.0, network.Tasks.Count).ToArray();
        foreach (int unit in units.Distinct())
        {
            var rows = Enumerable.Range(0, Rows).Where(r => units[r] == unit).ToArray();
            foreach (var parameter in network.Parameters)
            {
                Array.Clear(parameter.Gradient);
                parameter.TouchedRows?.Clear();
            }
            var batch = gatherer.Gather(rows);
            MultiTaskObjective.Evaluate(network, batch, gatherer.LabelBuffers, gatherer.WeightBuffers, workspace, null, backward: true,
                new double[ones.Length], new double[ones.Length], out _, out _, default, null, new BatchShard(0, 1, ones));
            result.Add(network.Parameters.Select(p => p.Gradient.ToArray()).ToArray());
        }
        return result;
    }

    /// <summary>The ghost norms of every unit over one batch of all rows.</summary>
    private static double[] GhostNorms(MultiTaskNetwork network, MultiTaskDataset data, int[] units)
    {
        var gatherer = new BatchGatherer(data, Rows);
        var workspace = network.CreateWorkspace(Rows);
        var ones = Enumerable.Repeat(1.0, network.Tasks.Count).ToArray();
        var batch = gatherer.Gather(Enumerable.Range(0, Rows).ToArray());
        var ids = units.Distinct().ToList();
        var norms = new ExampleNorms();
        norms.Begin(units.Select(u => ids.IndexOf(u)).ToArray(), Rows, ids.Count);
        foreach (var parameter in network.Parameters)
            parameter.NormSink = norms;
        MultiTaskObjective.Evaluate(network, batch, gatherer.LabelBuffers, gatherer.WeightBuffers, workspace, null, backward: true,
            new double[ones.Length], new double[ones.Length], out _, out _, default, null, new BatchShard(0, 1, ones));
        foreach (var parameter in network.Parameters)
            parameter.NormSink = null;
        return norms.Squared[..ids.Count];
    }

    /// <summary>One DP-SGD step with every unit sampled (q = 1), in chunks of at most <paramref name="capacity"/> rows: the gradient left in the parameters.</summary>
    private static double[][] DpGradient(MultiTaskNetwork network, MultiTaskDataset data, int[]? users, float clip, double noise, int capacity)
    {
        var options = new PrivacyOptions { NoiseMultiplier = noise, ClipNorm = clip, Unit = users is null ? "example" : "user:u", MaxRowsPerUser = 4 };
        var rows = Enumerable.Range(0, Rows).ToArray();
        int units = users?.Distinct().Count() ?? Rows;
        var plan = new PrivacyGuarantee(0, 1e-6, noise, 1.0, 0, clip, options.Unit, units);
        var gatherer = new BatchGatherer(data, capacity);
        var dp = new DpSgd(network, network.CreateWorkspace(capacity), gatherer, network.Parameters, rows, users, options, plan, new Random(1));
        var imbalance = new TaskImbalance?[network.Tasks.Count];
        bool finite = dp.Compute(default, imbalance, null, _ => { }, new double[network.Tasks.Count], new double[network.Tasks.Count], out _);
        Assert.That(finite, Is.True);
        return network.Parameters.Select(p => p.Gradient.Select(v => (double)v).ToArray()).ToArray();
    }
}

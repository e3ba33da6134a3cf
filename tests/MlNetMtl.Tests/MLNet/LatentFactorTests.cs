using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.Tests.MLNet;

/// <summary>
/// A known answer for the encoder: users and items with latent factors, each task's click probability the sigmoid of a
/// dot product of the two (plus a user and an item bias), so the affinity is a user × item interaction. The Bayes AUC (of
/// the true probabilities) is the ceiling; field embeddings with FM must come close to it, and a first layer that sums the
/// one-hot user and item rows before any nonlinearity must fall short.
/// </summary>
[NonParallelizable]
public class LatentFactorTests
{
    public sealed class Impression
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public bool Click { get; set; }
        public bool Like { get; set; }
        /// <summary>The true click probability (not a feature).</summary>
        public float ClickProbability { get; set; }
    }

    private const int Users = 300, Items = 200, Factors = 4;

    /// <summary>Latent factors of the users and items (seed 1), then impressions of random pairs (seed <paramref name="seed"/>).</summary>
    private static List<Impression> Generate(int rows, int seed)
    {
        var factors = new Random(1);
        double[][] Vectors(int n) => Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, Factors).Select(_ => Normal(factors)).ToArray()).ToArray();
        var users = Vectors(Users);
        var items = Vectors(Items);
        var userBias = Enumerable.Range(0, Users).Select(_ => 0.3 * Normal(factors)).ToArray();
        var itemBias = Enumerable.Range(0, Items).Select(_ => 0.3 * Normal(factors)).ToArray();
        var random = new Random(seed);
        var list = new List<Impression>(rows);
        for (int r = 0; r < rows; r++)
        {
            int u = random.Next(Users), i = random.Next(Items);
            // Click: the full dot product; like: a correlated task that reads the first two factors only.
            double click = userBias[u] + itemBias[i] + Enumerable.Range(0, Factors).Sum(k => users[u][k] * items[i][k]);
            double like = -1 + 1.5 * (users[u][0] * items[i][0] + users[u][1] * items[i][1]);
            double p = Sigmoid(click);
            list.Add(new Impression { User = $"u{u}", Item = $"i{i}", ClickProbability = (float)p, Click = random.NextDouble() < p, Like = random.NextDouble() < Sigmoid(like) });
        }
        return list;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double ClickAuc(InputEncoding encoding, IDataView train, IDataView test, MLContext ml, TableOptimizer tableOptimizer = TableOptimizer.Training)
    {
        var options = new MultiTaskNetworkTrainerOptions
        {
            Tasks = [new TaskColumn("click", nameof(Impression.Click)), new TaskColumn("like", nameof(Impression.Like))],
            Network = new SharedBottomOptions { BottomWidths = [64, 32], TowerWidths = [16], Encoder = new EncoderOptions { Encoding = encoding, EmbeddingSize = 8, EmbeddingL2 = 3e-3f, TableOptimizer = tableOptimizer } },
            Training = new() { Epochs = 40, EarlyStoppingPatience = 4, LearningRate = 3e-3f },
        };
        var pipeline = ml.Transforms.Categorical.OneHotEncoding([new("UserOneHot", nameof(Impression.User)), new("ItemOneHot", nameof(Impression.Item))])
            .Append(ml.Transforms.Concatenate("Features", "UserOneHot", "ItemOneHot"))
            .Append(ml.MultiTask().Network(options));
        var scored = pipeline.Fit(train).Transform(test);
        var scores = scored.GetColumn<float>("click.Score").ToArray();
        var labels = scored.GetColumn<bool>(nameof(Impression.Click)).Select(c => c ? 1f : 0f).ToArray();
        return MlNetMtl.Evaluation.RankingMetrics.Auc(scores, labels);
    }

    [Test]
    public void EmbeddingsWithFm_ComeCloseToTheBayesAuc_WhereSummedOneHotRowsFallShort()
    {
        var ml = new MLContext(seed: 1);
        var trainRows = Generate(80_000, 2);
        var testRows = Generate(10_000, 3);
        var train = ml.Data.LoadFromEnumerable(trainRows);
        var test = ml.Data.LoadFromEnumerable(testRows);
        double bayes = MlNetMtl.Evaluation.RankingMetrics.Auc(testRows.Select(r => r.ClickProbability).ToArray(), testRows.Select(r => r.Click ? 1f : 0f).ToArray());
        double embedding = ClickAuc(InputEncoding.Embedding, train, test, ml);
        double oneHot = ClickAuc(InputEncoding.OneHot, train, test, ml);
        TestContext.Out.WriteLine($"click AUC: Bayes {bayes:F4}, embeddings + FM {embedding:F4}, one-hot first layer {oneHot:F4}");
        Assert.That(embedding, Is.GreaterThan(bayes - 0.03), "field embeddings with FM learn the user × item affinity");
        Assert.That(oneHot, Is.LessThan(embedding - 0.01), "summed one-hot rows learn it worse");
    }

    [Test]
    public void RowWiseAdagradTables_AlsoComeCloseToTheBayesAuc()
    {
        var ml = new MLContext(seed: 1);
        var trainRows = Generate(80_000, 2);
        var testRows = Generate(10_000, 3);
        double bayes = MlNetMtl.Evaluation.RankingMetrics.Auc(testRows.Select(r => r.ClickProbability).ToArray(), testRows.Select(r => r.Click ? 1f : 0f).ToArray());
        double auc = ClickAuc(InputEncoding.Embedding, ml.Data.LoadFromEnumerable(trainRows), ml.Data.LoadFromEnumerable(testRows), ml, TableOptimizer.RowWiseAdagrad);
        TestContext.Out.WriteLine($"click AUC: Bayes {bayes:F4}, embeddings + FM with row-wise Adagrad tables {auc:F4}");
        Assert.That(auc, Is.GreaterThan(bayes - 0.03), "one accumulator per row learns the affinity too");
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.Tests.MLNet;

/// <summary>
/// A known answer for the encoder (<see cref="LatentFactorGenerator"/>): the click probability is the sigmoid of a user ×
/// item dot product. The Bayes AUC (of the true probabilities) is the ceiling; field embeddings with FM must come close to
/// it, and a first layer that sums the one-hot user and item rows before any nonlinearity must fall short.
/// </summary>
[NonParallelizable]
public class LatentFactorTests
{
    private static readonly LatentFactorGenerator Generator = new();

    private static IReadOnlyList<LatentFactorImpression> Generate(int rows, int seed) => Generator.Generate(rows, seed);

    private static double ClickAuc(InputEncoding encoding, IDataView train, IDataView test, MLContext ml, TableOptimizer tableOptimizer = TableOptimizer.RowWiseAdagrad)
    {
        var options = new MultiTaskNetworkTrainerOptions
        {
            Tasks = [new TaskColumn("click", nameof(LatentFactorImpression.Click)), new TaskColumn("like", nameof(LatentFactorImpression.Like))],
            Network = new SharedBottomOptions { BottomWidths = [64, 32], TowerWidths = [16], Encoder = new EncoderOptions { Encoding = encoding, EmbeddingSize = 8, EmbeddingL2 = 3e-3f, TableOptimizer = tableOptimizer } },
            Training = new() { Epochs = 40, EarlyStoppingPatience = 4, LearningRate = 3e-3f },
        };
        var pipeline = ml.Transforms.Categorical.OneHotEncoding([new("UserOneHot", nameof(LatentFactorImpression.User)), new("ItemOneHot", nameof(LatentFactorImpression.Item))])
            .Append(ml.Transforms.Concatenate("Features", "UserOneHot", "ItemOneHot"))
            .Append(ml.MultiTask().Network(options));
        var scored = pipeline.Fit(train).Transform(test);
        var scores = scored.GetColumn<float>("click.Score").ToArray();
        var labels = scored.GetColumn<bool>(nameof(LatentFactorImpression.Click)).Select(c => c ? 1f : 0f).ToArray();
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
    public void LazyAdamTables_AlsoComeCloseToTheBayesAuc()
    {
        var ml = new MLContext(seed: 1);
        var trainRows = Generate(80_000, 2);
        var testRows = Generate(10_000, 3);
        double bayes = MlNetMtl.Evaluation.RankingMetrics.Auc(testRows.Select(r => r.ClickProbability).ToArray(), testRows.Select(r => r.Click ? 1f : 0f).ToArray());
        double auc = ClickAuc(InputEncoding.Embedding, ml.Data.LoadFromEnumerable(trainRows), ml.Data.LoadFromEnumerable(testRows), ml, TableOptimizer.Training);
        TestContext.Out.WriteLine($"click AUC: Bayes {bayes:F4}, embeddings + FM with the table under the training's Adam {auc:F4}");
        Assert.That(auc, Is.GreaterThan(bayes - 0.03), "lazy Adam on the touched rows learns the affinity too");
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class PretrainedVectorsTests
{
    private const int Items = 400, Width = 8;

    /// <summary>"LLM" embeddings of the items: the label of an item is whether its embedding's first component is positive.</summary>
    private static PretrainedVectors Embeddings(int firstColumn) =>
        new(Enumerable.Range(0, Items * Width).Select(i => (float)Math.Sin(i * 12.9898 + 78.233)).ToArray(), Items, Width, firstColumn);

    /// <summary>Rows with a one-hot item id (after one other feature), labelled by the item's embedding.</summary>
    private static MultiTaskDataset Rows(IEnumerable<int> items, PretrainedVectors embeddings)
    {
        var list = items.ToArray();
        var starts = Enumerable.Range(0, list.Length + 1).Select(r => 2 * r).ToArray();
        var indices = list.SelectMany(item => new[] { 0, embeddings.FirstColumn + item }).ToArray();
        var values = Enumerable.Repeat(1f, indices.Length).ToArray();
        var labels = list.Select(item => embeddings.Values[item * Width] > 0 ? 1f : 0f).ToArray();
        return new MultiTaskDataset(new SparseFeatures(starts, indices, values, 1 + Items), [new TaskDefinition("like", TaskKind.Binary)], [labels]);
    }

    [Test]
    public void PretrainedItemVectors_LetUnseenItemsBeScored()
    {
        var embeddings = Embeddings(firstColumn: 1);
        var random = new Random(1);
        var train = Rows(Enumerable.Range(0, 3000).Select(_ => random.Next(200)), embeddings);   // items 0–199 only
        var test = Rows(Enumerable.Range(200, 200), embeddings);                                // items never seen
        double Auc(PretrainedVectors? pretrained)
        {
            var network = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [Width], TowerWidths = [8] },
                new TrainerOptions { Epochs = 10, LearningRate = 3e-3f, Pretrained = pretrained }).Fit(train).Network;
            return MlNetMtl.Evaluation.RankingMetrics.Auc(TrainingHelpers.Scores(network, test)[0], test.Labels[0]);
        }
        double withVectors = Auc(embeddings), without = Auc(null);
        TestContext.Out.WriteLine($"AUC on unseen items: pretrained {withVectors:F3}, random {without:F3}");
        Assert.That(withVectors, Is.GreaterThan(0.8));
        Assert.That(without, Is.LessThan(0.65));
    }

    [Test]
    public void PretrainedVectors_InitialiseTheirRows_AndBadShapesAreNamed()
    {
        var embeddings = Embeddings(firstColumn: 1);
        var data = Rows(Enumerable.Range(0, 50), embeddings);
        var network = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [Width] },
            new TrainerOptions { Epochs = 1, LearningRate = 1e-12f, Pretrained = embeddings }).Fit(data).Network;
        var weights = network.Parameters.First(p => p.Name == "bottom.0.weight").Values.ToArray();
        Assert.That(weights.Skip(Width * 1).Take(Items * Width), Is.EqualTo(embeddings.Values).Within(1e-6f));

        Assert.That(() => new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [Width + 1] }, new TrainerOptions { Epochs = 1, Pretrained = embeddings }).Fit(data),
            Throws.ArgumentException.With.Message.Contains("width 8").And.Message.Contains("9 units"));
        Assert.That(() => new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [Width] }, new TrainerOptions { Epochs = 1, Pretrained = Embeddings(firstColumn: 5) }).Fit(data),
            Throws.ArgumentException.With.Message.Contains("run past the input width"));
    }

    [Test]
    public void VectorFilesAndColumns_AreRead()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["0.5 1 -2", "", "3,4,5", "6\t7\t8.25"]);
            var read = PretrainedVectors.FromFile(path, firstColumn: 2);
            Assert.That((read.Rows, read.Columns, read.FirstColumn), Is.EqualTo((3, 3, 2)));
            Assert.That(read.Values, Is.EqualTo(new[] { 0.5f, 1, -2, 3, 4, 5, 6, 7, 8.25f }));
            File.WriteAllLines(path, ["1 2", "1 2 3"]);
            Assert.That(() => PretrainedVectors.FromFile(path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("line 2"));
            File.WriteAllLines(path, ["1 x"]);
            Assert.That(() => PretrainedVectors.FromFile(path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'x' is not a number"));
        }
        finally
        {
            File.Delete(path);
        }
        var ml = new MLContext();
        var view = ml.Data.LoadFromEnumerable(new[] { new Vector { Values = [1, 2] }, new Vector { Values = [3, 4] } });
        var fromView = PretrainedVectorsReader.FromDataView(view, nameof(Vector.Values));
        Assert.That(fromView.Values, Is.EqualTo(new[] { 1f, 2, 3, 4 }));
        Assert.That(() => PretrainedVectorsReader.FromDataView(view, "Nope"), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("'Nope'"));
    }

    public sealed class Vector
    {
        [VectorType(2)] public float[] Values { get; set; } = [];
    }
}

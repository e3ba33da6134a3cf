using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

public class MulticlassLearningTests
{
    /// <summary>Generated rows with task 1's value cut at its quartiles into 4 classes, and task 2 binary at its median.</summary>
    public static MultiTaskDataset FourClassData(int rows, int seed, double[]? quartiles = null)
    {
        var generated = new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 20 }).Generate(rows, seed);
        var values = generated.Labels[0];
        quartiles ??= Quartiles(values);
        var classes = values.Select(v => (float)quartiles.Count(q => v > q)).ToArray();
        double median = generated.Labels[1].OrderBy(v => v).ElementAt(rows / 2);
        var binary = generated.Labels[1].Select(v => v > median ? 1f : 0f).ToArray();
        return new MultiTaskDataset(generated.Features, [new TaskDefinition("level", TaskKind.Multiclass, classCount: 4), new TaskDefinition("high", TaskKind.Binary)], [classes, binary]);
    }

    public static double[] Quartiles(float[] values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return [sorted[sorted.Length / 4], sorted[sorted.Length / 2], sorted[3 * sorted.Length / 4]];
    }

    [Test]
    public void FourClasses_AccuracyWellAboveChance()
    {
        var train = FourClassData(12_000, 1);
        var test = FourClassData(3_000, 2, Quartiles(new SyntheticTaskGenerator(new SyntheticTaskOptions { Dimension = 20 }).Generate(12_000, 1).Labels[0]));
        var network = new MultiTaskTrainer(new SharedBottomOptions { BottomWidths = [64, 32], TowerWidths = [16] }, new TrainerOptions { Epochs = 25, LearningRate = 3e-3f }).Fit(train).Network;
        var scores = new float[test.Rows * network.OutputWidth];
        network.Predict(InputBatch.FromDense(((DenseFeatures)test.Features).Values, test.Rows, 20), scores);
        int correct = 0;
        for (int r = 0; r < test.Rows; r++)
        {
            var logits = scores.AsSpan(r * network.OutputWidth, 4);
            int predicted = logits.IndexOf(MaxOf(logits));
            correct += predicted == (int)test.Labels[0][r] ? 1 : 0;
        }
        double accuracy = (double)correct / test.Rows;
        TestContext.Out.WriteLine($"4-class held-out accuracy {accuracy:F3} (chance 0.25)");
        Assert.That(accuracy, Is.GreaterThan(0.6));
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
            max = Math.Max(max, v);
        return max;
    }

    [Test]
    public void MulticlassLabels_MustBeClassIndices()
    {
        var features = new DenseFeatures([1, 2, 3, 4], 2, 2);
        var task = new TaskDefinition("c", TaskKind.Multiclass, classCount: 3);
        Assert.That(() => new MultiTaskDataset(features, [task], [[0f, 3f]]), Throws.ArgumentException.With.Message.Contains("class 3 is not an integer in [0, 3)"));
        Assert.That(() => new MultiTaskDataset(features, [task], [[0.5f, 1f]]), Throws.ArgumentException.With.Message.Contains("class 0.5"));
        Assert.That(() => new TaskDefinition("c", TaskKind.Multiclass, classCount: 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at least 2 classes"));
    }
}

using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Data;

public class DatasetValidationTests
{
    private static readonly TaskDefinition Click = new("click", TaskKind.Binary);
    private static readonly TaskDefinition Watch = new("watch", TaskKind.Regression);
    private static DenseFeatures Features(params float[] values) => new(values, values.Length / 2, 2);

    [Test]
    public void ZeroTasks_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultiTaskDataset(Features(1, 2), [], []));
        Assert.That(error!.Message, Does.Contain("at least one task"));
        Assert.That(() => MultiTaskNetwork.Create(2, []), Throws.ArgumentException.With.Message.Contains("at least one task"));
    }

    [Test]
    public void DuplicateTaskNames_Throw() =>
        Assert.That(() => new MultiTaskDataset(Features(1, 2), [Click, new("click", TaskKind.Regression)], [[0f], [1f]]),
            Throws.ArgumentException.With.Message.Contains("'click' is used twice"));

    [Test]
    public void BadTaskDefinitions_Throw()
    {
        Assert.That(() => new TaskDefinition(" ", TaskKind.Binary), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => new TaskDefinition("ctr", TaskKind.Binary, float.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("'ctr'"));
        Assert.That(() => new TaskDefinition("ctr", TaskKind.Binary, -1f), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new MultiTaskDataset(Features(1, 2), [new("a", TaskKind.Binary, 0f)], [[0f]]), Throws.ArgumentException.With.Message.Contains("loss weight 0"));
    }

    [Test]
    public void EmptyOrBadWidths_Throw()
    {
        Assert.That(() => MultiTaskNetwork.Create(2, [Click], new SharedBottomOptions { BottomWidths = [] }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("BottomWidths"));
        Assert.That(() => MultiTaskNetwork.Create(2, [Click], new SharedBottomOptions { TowerWidths = [8, 0] }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("TowerWidths[1]"));
        Assert.That(() => new MultiTaskTrainer(new SharedBottomOptions { Dropout = 1f }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Dropout"));
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void NonFiniteFeature_IsNamedByRowAndColumn(float bad)
    {
        var error = Assert.Throws<ArgumentException>(() => Features(1, 2, 3, bad));
        Assert.That(error!.Message, Does.Contain("row 1, column 1"));
    }

    [Test]
    public void NonFiniteSparseFeature_AndBadIndex_AreNamed()
    {
        Assert.That(() => new SparseFeatures([0, 1, 2], [0, 3], [1f, float.NaN], 4), Throws.ArgumentException.With.Message.Contains("row 1, column 3"));
        Assert.That(() => new SparseFeatures([0, 1], [4], [1f], 4), Throws.ArgumentException.With.Message.Contains("index 4"));
        Assert.That(() => new SparseFeatures([0, 2, 1, 2], [0, 1], [1f, 1f], 4), Throws.ArgumentException.With.Message.Contains("decrease at row 1"));
    }

    [TestCase(float.NaN)]
    [TestCase(float.NegativeInfinity)]
    public void NonFiniteLabel_IsNamedByTaskAndRow(float bad)
    {
        var error = Assert.Throws<ArgumentException>(() => new MultiTaskDataset(Features(1, 2, 3, 4), [Click, Watch], [[0f, 1f], [0.5f, bad]]));
        Assert.That(error!.Message, Does.Contain("Task 'watch', row 1"));
    }

    [Test]
    public void BinaryLabelOutsideZeroOne_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultiTaskDataset(Features(1, 2, 3, 4), [Click], [[0f, 0.5f]]));
        Assert.That(error!.Message, Does.Contain("Task 'click', row 1").And.Contain("not 0 or 1"));
    }

    [Test]
    public void MismatchedLengths_Throw()
    {
        Assert.That(() => new MultiTaskDataset(Features(1, 2, 3, 4), [Click], [[0f, 1f, 1f]]), Throws.ArgumentException.With.Message.Contains("3 labels but there are 2"));
        Assert.That(() => new MultiTaskDataset(Features(1, 2), [Click, Watch], [[0f]]), Throws.ArgumentException.With.Message.Contains("2 tasks but 1 label arrays"));
        Assert.That(() => new DenseFeatures(new float[5], 2, 2), Throws.ArgumentException.With.Message.Contains("need 4"));
    }
}

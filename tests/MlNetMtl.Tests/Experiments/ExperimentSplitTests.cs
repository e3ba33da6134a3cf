using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Experiments;

namespace MlNetMtl.Tests.Experiments;

/// <summary>How rows are held out is the user's choice: at random, by whole groups, or by time.</summary>
public class ExperimentSplitTests
{
    public sealed class Row
    {
        public double Time { get; set; }
        public string User { get; set; } = "";
        public float X { get; set; }
    }

    private static IDataView Rows(MLContext ml, int count) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new Row { Time = 1_650_000_000_000.0 + (i * 7919 % count) * 1000.0, User = "u" + i % 10, X = i }).ToList());

    [Test]
    public void ATimeSplit_HoldsOutTheLatestRows()
    {
        var ml = new MLContext(seed: 1);
        var (train, heldOut) = ExperimentSplit.Split(ml, Rows(ml, 1000), 0.2, SplitKind.Time, nameof(Row.Time), seed: 1);
        var trainTimes = train.GetColumn<double>(nameof(Row.Time)).ToArray();
        var heldOutTimes = heldOut.GetColumn<double>(nameof(Row.Time)).ToArray();
        Assert.That(heldOutTimes, Has.Length.EqualTo(200));
        Assert.That(trainTimes, Has.Length.EqualTo(800));
        Assert.That(trainTimes.Max(), Is.LessThan(heldOutTimes.Min()), "train on the past, test on the future (at millisecond precision)");
    }

    [Test]
    public void AGroupSplit_KeepsEachGroupOnOneSide()
    {
        var ml = new MLContext(seed: 1);
        var (train, heldOut) = ExperimentSplit.Split(ml, Rows(ml, 1000), 0.3, SplitKind.Group, nameof(Row.User), seed: 2);
        var trainUsers = train.GetColumn<string>(nameof(Row.User)).ToHashSet();
        Assert.That(heldOut.GetColumn<string>(nameof(Row.User)).Distinct().Where(trainUsers.Contains), Is.Empty);
    }

    [Test]
    public void SplitsThatCannotBeMade_SaySo()
    {
        var ml = new MLContext(seed: 1);
        Assert.That(() => ExperimentSplit.Split(ml, Rows(ml, 10), 0.2, SplitKind.Time, "Day", 1), Throws.ArgumentException.With.Message.Contains("'Day' is not one"));
        Assert.That(() => ExperimentSplit.Split(ml, Rows(ml, 10), 0.2, SplitKind.Time, nameof(Row.User), 1), Throws.ArgumentException.With.Message.Contains("needs a numeric time column"));
        var sameTime = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new Row { Time = 5, X = i }).ToList());
        Assert.That(() => ExperimentSplit.Split(ml, sameTime, 0.2, SplitKind.Time, nameof(Row.Time), 1), Throws.ArgumentException.With.Message.Contains("left one side empty"));
    }
}

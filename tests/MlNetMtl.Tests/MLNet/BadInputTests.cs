using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.MLNet;

public class BadInputTests
{
    private readonly MLContext _ml = new(seed: 1);

    public sealed class Row
    {
        [VectorType(3)] public float[] Features { get; set; } = [1, 2, 3];
        public float[] Variable { get; set; } = [1, 2];
        public string Text { get; set; } = "x";
        public bool Click { get; set; }
        public float Watch { get; set; }
        [VectorType(3)] public double[] Doubles { get; set; } = [1, 2, 3];
        [ColumnName("click.Score")] public float Taken { get; set; }
    }

    private IDataView Data(Func<int, Row>? make = null) =>
        _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => make?.Invoke(i) ?? new Row { Click = i % 2 == 0, Watch = i }));

    private MultiTaskTransformer Fit(IDataView data, string feature, params TaskColumn[] tasks) =>
        _ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { FeatureColumnName = feature, Tasks = tasks, Training = new() { Epochs = 1 } }).Fit(data);

    private static readonly TaskColumn Click = new("clk", nameof(Row.Click));

    [Test]
    public void MissingFeatureColumn_IsNamed() =>
        Assert.That(() => Fit(Data(), "Nope", Click), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("feature column 'Nope'"));

    [Test]
    public void MissingLabelColumn_IsNamed() =>
        Assert.That(() => Fit(Data(), "Features", new TaskColumn("t", "NoLabel")), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("label (task 't') column 'NoLabel'"));

    [Test]
    public void WrongTypes_AreNamed()
    {
        Assert.That(() => Fit(Data(), nameof(Row.Text), Click), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("'Text'").And.Message.Contains("vector of Single"));
        Assert.That(() => Fit(Data(), nameof(Row.Doubles), Click), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("'Doubles'").And.Message.Contains("must hold Single"));
        Assert.That(() => Fit(Data(), "Features", new TaskColumn("t", nameof(Row.Text))), Throws.ArgumentException.With.Message.Contains("'Text'").And.Message.Contains("'x' is not a boolean value"));
        Assert.That(() => Fit(Data(), "Features", new TaskColumn("w", nameof(Row.Click), TaskKind.Regression)), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("regression task 'w'"));
    }

    [Test]
    public void VariableSizeVector_IsNamed() =>
        Assert.That(() => Fit(Data(), nameof(Row.Variable), Click), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("'Variable' is a variable-size vector"));

    [Test]
    public void NanLabel_IsNamedWithItsRow() =>
        Assert.That(() => Fit(Data(i => new Row { Click = i % 2 == 0, Watch = i == 7 ? float.NaN : i }), "Features", new TaskColumn("w", nameof(Row.Watch), TaskKind.Regression)),
            Throws.ArgumentException.With.Message.Contains("'Watch'").And.Message.Contains("row 7"));

    [Test]
    public void NanFeature_IsNamedWithItsRowAndSlot() =>
        Assert.That(() => Fit(Data(i => new Row { Click = i % 2 == 0, Features = i == 3 ? [1, float.NaN, 3] : [1, 2, 3] }), "Features", Click),
            Throws.ArgumentException.With.Message.Contains("'Features', row 3, slot 1"));

    [Test]
    public void NanInAUsersColumn_IsNamedThroughTheFeatureSlotsName()
    {
        var rows = _ml.Data.LoadFromEnumerable(Impressions.Generate(30, 1).Select((r, i) => { if (i == 4) r.Income = float.NaN; return r; }).ToList());
        var pipeline = _ml.Transforms.Concatenate("Features", nameof(Impression.Age), nameof(Impression.Income))
            .Append(_ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click], Training = new() { Epochs = 1 } }));
        Assert.That(() => pipeline.Fit(rows), Throws.ArgumentException.With.Message.Contains("'Features', row 4, slot 1 ('Income'): the value is NaN"));
    }

    [Test]
    public void BinaryFloatLabelOtherThanZeroOne_IsNamed() =>
        Assert.That(() => Fit(Data(i => new Row { Watch = i }), "Features", new TaskColumn("w", nameof(Row.Watch))),
            Throws.ArgumentException.With.Message.Contains("row 2: 2 is not 0 or 1"));

    [Test]
    public void OneClassOnly_IsNamed() =>
        Assert.That(() => Fit(Data(_ => new Row { Click = true }), "Features", Click),
            Throws.ArgumentException.With.Message.Contains("'clk'").And.Message.Contains("only positive rows"));

    [Test]
    public void DuplicateTaskNames_AreRejected() =>
        Assert.That(() => _ml.MultiTask().SharedBottom("Features", Click, new TaskColumn("clk", nameof(Row.Watch), TaskKind.Regression)),
            Throws.ArgumentException.With.Message.Contains("'clk' is used twice"));

    [Test]
    public void NoTasks_AreRejected() =>
        Assert.That(() => _ml.MultiTask().SharedBottom("Features"), Throws.ArgumentException.With.Message.Contains("at least one task"));

    [Test]
    public void OutputNameCollidingWithAnInputColumn_IsNamed()
    {
        var trainer = _ml.MultiTask().SharedBottom("Features", new TaskColumn("click", nameof(Row.Click)));
        Assert.That(() => trainer.Fit(Data()), Throws.ArgumentException.With.Message.Contains("'click.Score'"));
        var chain = _ml.Transforms.CopyColumns("Copy", "Features").Append(trainer);
        Assert.That(() => chain.Fit(Data()), Throws.ArgumentException.With.Message.Contains("'click.Score'"));
    }

    [Test]
    public void TransformingDataOfAnotherWidth_IsNamed()
    {
        var model = Fit(Data(), "Features", Click);
        var other = _ml.Data.LoadFromEnumerable(new[] { new { Features = new float[5] } }.Select(r => new Wide()));
        Assert.That(() => model.Transform(other), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("5 slots").And.Message.Contains("trained on 3"));
    }

    public sealed class Wide
    {
        [VectorType(5)] public float[] Features { get; set; } = new float[5];
    }
}

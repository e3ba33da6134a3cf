using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.MLNet;

/// <summary>
/// Labels as users have them: text. A text label trains exactly the model its numeric or key equivalent trains (same
/// seed, same rows), and evaluates the same; a value that does not fit is named with its row.
/// </summary>
public class TextLabelTests
{
    public sealed class Row
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
        public bool Click { get; set; }
        public string Income { get; set; } = "";
        public string Answer { get; set; } = "";
        public float Watch { get; set; }
        public string WatchText { get; set; } = "";
        public string Segment { get; set; } = "";
        public uint SegmentKey { get; set; }
    }

    private static readonly string[] Segments = ["gold", "silver", "bronze"];

    private static List<Row> Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float a = (float)random.NextDouble(), b = (float)random.NextDouble(), c = (float)random.NextDouble();
            bool click = a + 0.3 * random.NextDouble() > 0.6;
            float watch = 2 * b + c;
            int segment = a < 0.33 ? 0 : a < 0.66 ? 1 : 2;
            return new Row
            {
                Features = [a, b, c],
                Click = click,
                Income = click ? ">50K" : "<=50K",
                Answer = click ? "Yes" : "no",
                Watch = watch,
                WatchText = watch.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                Segment = Segments[segment],
                SegmentKey = (uint)Array.IndexOf(Segments.Order(StringComparer.Ordinal).ToArray(), Segments[segment]) + 1,
            };
        }).ToList();
    }

    private static MultiTaskTransformer Fit(MLContext ml, IDataView data, params TaskColumn[] tasks) =>
        ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = tasks, Network = new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8] }, Training = new() { Epochs = 3, Threads = 1, Seed = 5 } }).Fit(data);

    private static float[] Weights(MultiTaskTransformer model) => model.Network.Parameters.SelectMany(p => p.Values.ToArray()).ToArray();

    [Test]
    public void ATextBinaryLabelWithItsPositiveValue_TrainsTheModelOfTheBooleanLabel()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(600, 1));
        var boolean = Fit(ml, data, new TaskColumn("income", nameof(Row.Click)));
        var text = Fit(ml, data, new TaskColumn("income", nameof(Row.Income), positiveValue: ">50K"));
        Assert.That(Weights(text), Is.EqualTo(Weights(boolean)));
        var fromText = ml.MultiTask().Evaluate(text.Transform(data), text)["income"].Binary!;
        var fromBoolean = ml.MultiTask().Evaluate(boolean.Transform(data), boolean)["income"].Binary!;
        Assert.That(fromText.AreaUnderRocCurve, Is.EqualTo(fromBoolean.AreaUnderRocCurve));
        Assert.That(fromText.LogLoss, Is.EqualTo(fromBoolean.LogLoss));
    }

    [Test]
    public void BooleanWordsOfAnyCase_ReadThemselves()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(600, 2));
        Assert.That(Weights(Fit(ml, data, new TaskColumn("answer", nameof(Row.Answer)))), Is.EqualTo(Weights(Fit(ml, data, new TaskColumn("answer", nameof(Row.Click))))));
    }

    [Test]
    public void TwoTextValuesThatAreNotBooleanWords_WithoutAPositiveValue_AreNamedWithTheRowAndTheRemedy()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(50, 3));
        Assert.That(() => Fit(ml, data, new TaskColumn("income", nameof(Row.Income))), Throws.ArgumentException
            .With.Message.Contains("Label column 'Income' of binary task 'income', row 0").And.Message.Contains("is not a boolean value").And.Message.Contains("positive"));
    }

    [Test]
    public void ATextRegressionLabel_TrainsTheModelOfTheNumbers_AndTextThatIsNoNumberIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(400, 4);
        var data = ml.Data.LoadFromEnumerable(rows);
        Assert.That(Weights(Fit(ml, data, new TaskColumn("watch", nameof(Row.WatchText), TaskKind.Regression))),
            Is.EqualTo(Weights(Fit(ml, data, new TaskColumn("watch", nameof(Row.Watch), TaskKind.Regression)))));
        rows[7].WatchText = "lots";
        Assert.That(() => Fit(ml, ml.Data.LoadFromEnumerable(rows), new TaskColumn("watch", nameof(Row.WatchText), TaskKind.Regression)),
            Throws.ArgumentException.With.Message.Contains("row 7: 'lots' is not a number"));
    }

    [Test]
    public void TextClassNames_TrainTheModelOfTheSortedKey_AndComeOutAsTheOutputsNames()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(900, 5));
        var keyed = ml.Transforms.Conversion.MapValueToKey("SegmentByValue", nameof(Row.Segment), keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(data).Transform(data);
        var byKey = Fit(ml, keyed, new TaskColumn("segment", "SegmentByValue", TaskKind.Multiclass));
        var byText = Fit(ml, data, new TaskColumn("segment", nameof(Row.Segment), TaskKind.Multiclass));
        Assert.That(Weights(byText), Is.EqualTo(Weights(byKey)));
        Assert.That(byText.Tasks[0].ClassNames, Is.EqualTo(new[] { "bronze", "gold", "silver" }));
        Assert.That(byKey.Tasks[0].ClassNames, Is.EqualTo(new[] { "bronze", "gold", "silver" }), "a key label's values name the classes too");

        var scored = byText.Transform(data);
        var predicted = scored.Schema["segment.PredictedLabel"];
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        predicted.GetKeyValues(ref names);
        Assert.That(names.DenseValues().Select(n => n.ToString()), Is.EqualTo(new[] { "bronze", "gold", "silver" }));
        var slots = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["segment.Score"].GetSlotNames(ref slots);
        Assert.That(slots.DenseValues().Select(n => n.ToString()), Is.EqualTo(new[] { "bronze", "gold", "silver" }));
        var asText = ml.Transforms.Conversion.MapKeyToValue("segment.Class", "segment.PredictedLabel").Fit(scored).Transform(scored)
            .GetColumn<ReadOnlyMemory<char>>("segment.Class").Select(c => c.ToString()).ToArray();
        Assert.That(asText.Distinct(), Is.SubsetOf(Segments));

        var accuracy = ml.MultiTask().Evaluate(scored, byText)["segment"].Multiclass!.MicroAccuracy;
        Assert.That(accuracy, Is.EqualTo(ml.MultiTask().Evaluate(byKey.Transform(keyed), byKey)["segment"].Multiclass!.MicroAccuracy));
    }

    [Test]
    public void AClassTheModelNeverSaw_IsNamedWithItsRowWhenEvaluating()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(300, 6);
        var model = Fit(ml, ml.Data.LoadFromEnumerable(rows), new TaskColumn("segment", nameof(Row.Segment), TaskKind.Multiclass));
        rows[11].Segment = "platinum";
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        Assert.That(() => ml.MultiTask().Evaluate(scored, model), Throws.ArgumentException
            .With.Message.Contains("row 11: 'platinum' is not one of its 3 classes (bronze, gold, silver)"));
    }

    [Test]
    public void EmptyAndMissingTextCells_AreMissingLabels()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(300, 7);
        rows[3].Income = "";
        rows[4].Income = "?";
        rows[5].Income = " NA ";
        var data = ml.Data.LoadFromEnumerable(rows);
        Assert.That(() => Fit(ml, data, new TaskColumn("income", nameof(Row.Income), positiveValue: ">50K")),
            Throws.ArgumentException.With.Message.Contains("has 3 missing labels").And.Message.Contains("the first at row 3"));
        var masked = Fit(ml, data, new TaskColumn("income", nameof(Row.Income), missingLabels: MissingLabelPolicy.Mask, positiveValue: ">50K"));
        Assert.That(masked.TrainingHistory, Is.Not.Empty);
    }

    [Test]
    public void EvaluatingRowsOfOneClass_SaysSoInsteadOfFailingInsideMlNet()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(300, 8);
        var model = Fit(ml, ml.Data.LoadFromEnumerable(rows), new TaskColumn("click", nameof(Row.Click)));
        var negatives = ml.Data.LoadFromEnumerable(rows.Where(r => !r.Click).ToList());
        Assert.That(() => ml.MultiTask().Evaluate(model.Transform(negatives), model), Throws.ArgumentException
            .With.Message.Contains("Binary task 'click'").And.Message.Contains("are all negative"));
    }

    [Test]
    public void OptionsThatContradictThemselves_AreRejectedBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        Assert.That(() => ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [new("a", "Click"), new("b", "Click", TaskKind.Regression)] }),
            Throws.ArgumentException.With.Message.Contains("Tasks 'a' and 'b' both learn from label column 'Click'"));
        Assert.That(() => ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [new("a", "Click")], Training = new() { Freeze = MlNetMtl.Training.FreezeMode.Shared } }),
            Throws.ArgumentException.With.Message.Contains("Freeze = Shared needs a WarmStart network"));
        Assert.That(() => ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [new("a", "Click")], Network = new EsmmOptions() }),
            Throws.ArgumentException.With.Message.Contains("ESMM needs exactly two binary tasks"));
        Assert.That(() => ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [new("a", "Click")], Training = new() { Threads = 1000 } }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Threads must be between 1 and 256"));
        Assert.That(() => new TaskColumn("a", "Watch", TaskKind.Regression, positiveValue: "x"), Throws.ArgumentException.With.Message.Contains("only a binary task has a positive value"));
    }
}

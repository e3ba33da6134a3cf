using MlNetMtl.Numerics;

namespace MlNetMtl.Data.TaskKinds;

/// <summary>
/// A multiclass task: k ≥ 2 classes (a key, text class names, or class indices with the class count given), k logits
/// trained with softmax cross-entropy; outputs the class probabilities and the predicted class; evaluated by ML.NET's
/// multiclass evaluator, headline accuracy.
/// </summary>
internal sealed class MulticlassTaskKind : TaskKind
{
    public override string Name => "Multiclass";
    internal override int Code => 2;

    public override bool HasClasses => true;
    public override int OutputWidth(int classCount) => classCount;

    internal override string? LabelProblem(float label, int classCount) =>
        label >= 0 && label < classCount && label == MathF.Floor(label) ? null : $"class {label} is not an integer in [0, {classCount})";

    internal override Func<ReadOnlySpan<char>, long, float> TextLabels(TextLabelRules rules)
    {
        var classes = rules.ClassNames ?? throw new ArgumentException(
            $"Multiclass task '{rules.Task}': label column '{rules.Column}' holds text, but the task's class names are not known.");
        var index = classes.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => (float)c.i, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        return (cell, row) => index.TryGetValue(cell, out float found) ? found
            : throw new ArgumentException($"Label column '{rules.Column}' of multiclass task '{rules.Task}', row {row}: '{cell}' is not one of its " +
                $"{classes.Count} classes ({List(classes)}).");
    }

    internal override LabelTypes AcceptedLabels(int classCount) => LabelTypes.Key | LabelTypes.Text | (classCount > 0 ? LabelTypes.Number : LabelTypes.None);

    internal override LabelReading ResolveLabels(LabelValues values, TextLabelRules rules, List<string> notes)
    {
        var classes = values.Distinct ?? throw new ArgumentException(
            $"Multiclass task '{rules.Task}': label column '{rules.Column}' holds more than {values.Limit:N0} distinct values; a multiclass task has fewer classes.");
        if (classes.Count < 2)
            throw new ArgumentException($"Multiclass task '{rules.Task}': label column '{rules.Column}' holds one class only ({TextValues.Quote(classes.Keys.First())}); " +
                "a multiclass task needs at least two.");
        var names = rules.ClassNames ?? Order(classes.Keys);
        var unknown = classes.Where(c => !names.Contains(c.Key)).OrderBy(c => c.Value).FirstOrDefault();
        if (unknown.Key is not null)
            throw new ArgumentException($"Label column '{rules.Column}' of multiclass task '{rules.Task}', {values.At(unknown.Value)}: {TextValues.Quote(unknown.Key)} " +
                $"is not one of its classes ({List(names)}).");
        return new LabelReading(AsText: true, names);
    }

    /// <summary>Class names sorted as numbers when every one is a number, else ordinally: the order of the task's outputs.</summary>
    internal static string[] Order(IEnumerable<string> names)
    {
        var list = names.ToArray();
        return list.All(n => TextValues.TryParseNumber(n, out double _))
            ? list.OrderBy(n => { TextValues.TryParseNumber(n, out double v); return v; }).ThenBy(n => n, StringComparer.Ordinal).ToArray()
            : list.OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }

    internal override double Loss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient, int classCount) =>
        Losses.SoftmaxCrossEntropy(outputs, labels, weights, gradient, labels.Length, classCount);

    internal override StoppingMetric Stopping => StoppingMetric.MeanLoss;

    public override IReadOnlyList<TaskOutput> Outputs { get; } = [new("Score", TaskOutputValue.ClassProbabilities), new("PredictedLabel", TaskOutputValue.PredictedClass)];

    public override EvaluationFamily Evaluation => EvaluationFamily.Multiclass;
    public override string LossName => "cross-entropy";
    public override string HeadlineMetric => "accuracy";

    /// <summary>"a, b, c" — the first ten class names, then how many there are in all.</summary>
    internal static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(10)) + (names.Count > 10 ? $", … {names.Count:N0} in all" : "");
}

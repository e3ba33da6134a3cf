using MlNetMtl.Numerics;

namespace MlNetMtl.Data.TaskKinds;

/// <summary>
/// A binary task: labels 0/1 (Boolean, numbers, a 2-value key, boolean words, or text with a named positive value), one
/// logit trained with binary cross-entropy; outputs the logit, its probability and the decision; evaluated by ML.NET's
/// binary evaluator, headline AUC.
/// </summary>
internal sealed class BinaryTaskKind : TaskKind
{
    public override string Name => "Binary";
    internal override int Code => 0;

    internal override string? LabelProblem(float label, int classCount) => label is 0f or 1f ? null : $"{label} is not 0 or 1";

    internal override Func<ReadOnlySpan<char>, long, float> TextLabels(TextLabelRules rules)
    {
        if (rules.PositiveValue is { } positive)
            return (cell, _) => cell.SequenceEqual(positive) ? 1f : 0f;
        return (cell, row) => TextValues.TryParseBoolean(cell, out bool value) ? value ? 1f : 0f
            : throw new ArgumentException($"Label column '{rules.Column}' of binary task '{rules.Task}', row {row}: '{cell}' is not a boolean value " +
                $"({TextValues.BooleanWords}); give the task its positive value (TaskColumn positiveValue, or --task {rules.Task}:{rules.Column}:binary:positive=VALUE).");
    }

    internal override LabelTypes AcceptedLabels(int classCount) => LabelTypes.Boolean | LabelTypes.Number | LabelTypes.Text | LabelTypes.TwoValueKey;

    internal override LabelReading ResolveLabels(LabelValues values, TextLabelRules rules, List<string> notes)
    {
        var distinct = values.Distinct ?? throw new ArgumentException($"Label column '{rules.Column}' of binary task '{rules.Task}' {values.Where} holds more than " +
            $"{values.Limit:N0} distinct values; a binary label has two.");
        var ordered = distinct.OrderBy(v => v.Value).Select(v => v.Key).ToArray();
        if (values.AllNumbers && rules.PositiveValue is null)
        {
            var other = distinct.Where(v => !TextValues.TryParseNumber(v.Key, out double d) || d is not (0 or 1)).OrderBy(v => v.Value).FirstOrDefault();
            if (other.Key is not null)
                throw new ArgumentException($"Label column '{rules.Column}' of binary task '{rules.Task}', {values.At(other.Value)}: {other.Key} is not 0 or 1.");
            RequireTwo(rules, ordered);
            return new LabelReading(AsText: false);
        }
        if (rules.PositiveValue is { } positive)
        {
            if (!distinct.ContainsKey(positive))
                throw new ArgumentException($"Binary task '{rules.Task}': the positive value '{positive}' is not in label column '{rules.Column}' {values.Where} " +
                    $"(its values: {TextValues.QuoteList(ordered)}).");
            RequireTwo(rules, ordered);
            notes.Add($"Task '{rules.Task}': label '{positive}' is positive; {TextValues.QuoteList(ordered.Where(v => v != positive).ToArray())} negative.");
            return new LabelReading(AsText: true);
        }
        if (ordered.All(v => TextValues.TryParseBoolean(v, out _)))
        {
            RequireTwo(rules, ordered);
            return new LabelReading(AsText: true);
        }
        string example = ordered.Length == 2 ? ordered.Order(StringComparer.Ordinal).Last() : ordered[0];
        throw new ArgumentException($"Binary task '{rules.Task}': label column '{rules.Column}' holds {(ordered.Length == 2 ? "two values" : $"{ordered.Length} values")}, " +
            $"{TextValues.QuoteList(ordered)}, which are not boolean words ({TextValues.BooleanWords}). Name the positive value: " +
            $"--task {rules.Task}:{rules.Column}:binary:positive={example} (in code, TaskColumn(…, positiveValue: \"{example}\")); every other value is then negative.");
    }

    /// <summary>A binary label needs both classes.</summary>
    private static void RequireTwo(TextLabelRules rules, IReadOnlyList<string> values)
    {
        if (values.Count < 2)
            throw new ArgumentException($"Binary task '{rules.Task}': label column '{rules.Column}' holds one value only ({TextValues.Quote(values[0])}); a binary task needs both classes.");
    }

    internal override double Loss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient, int classCount) =>
        Losses.BinaryCrossEntropyWithLogits(outputs, labels, weights, gradient);

    internal override StoppingMetric Stopping => StoppingMetric.Auc;

    public override IReadOnlyList<TaskOutput> Outputs { get; } =
        [new("Score", TaskOutputValue.Score), new("Probability", TaskOutputValue.Probability), new("PredictedLabel", TaskOutputValue.Decision)];

    public override EvaluationFamily Evaluation => EvaluationFamily.Binary;
    public override string LossName => "cross-entropy";
    public override string HeadlineMetric => "AUC";
}

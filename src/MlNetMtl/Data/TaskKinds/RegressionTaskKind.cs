using MlNetMtl.Numerics;

namespace MlNetMtl.Data.TaskKinds;

/// <summary>
/// A regression task: real labels (numbers, or text that holds numbers), one output trained with squared error; outputs
/// the value; evaluated by ML.NET's regression evaluator, headline RMSE.
/// </summary>
internal sealed class RegressionTaskKind : TaskKind
{
    public override string Name => "Regression";
    internal override int Code => 1;

    internal override string? LabelProblem(float label, int classCount) => null; // any finite number

    internal override Func<ReadOnlySpan<char>, long, float> TextLabels(TextLabelRules rules) =>
        (cell, row) => TextValues.TryParseNumber(cell, out float number) ? number
            : throw new ArgumentException($"Label column '{rules.Column}' of regression task '{rules.Task}', row {row}: '{cell}' is not a number.");

    internal override LabelTypes AcceptedLabels(int classCount) => LabelTypes.Number | LabelTypes.Text;

    internal override LabelReading ResolveLabels(LabelValues values, TextLabelRules rules, List<string> notes) =>
        values.FirstText is { } text
            ? throw new ArgumentException($"Label column '{rules.Column}' of regression task '{rules.Task}', {values.At(text.Line)}: {TextValues.Quote(text.Value)} " +
                "is not a number; a regression label must be numeric.")
            : new LabelReading(AsText: false);

    internal override double Loss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient, int classCount) =>
        Losses.SquaredError(outputs, labels, weights, gradient);

    internal override StoppingMetric Stopping => StoppingMetric.RootMeanLoss;

    internal override double UncertaintyScale => 2;

    public override IReadOnlyList<TaskOutput> Outputs { get; } = [new("Score", TaskOutputValue.Score)];

    public override EvaluationFamily Evaluation => EvaluationFamily.Regression;
    public override string LossName => "squared error";
    public override string HeadlineMetric => "RMSE";
    public override bool HeadlineLowerIsBetter => true;
}

using MlNetMtl.Data.TaskKinds;

namespace MlNetMtl.Data;

/// <summary>
/// What a task predicts — and so everything that depends on it, in one object: the width of its output, which labels it
/// takes and how it reads them from text, its loss and early-stopping metric, the columns a model appends for it, the
/// ML.NET evaluator and the headline metric. <see cref="Binary"/>, <see cref="Regression"/> and <see cref="Multiclass"/>
/// are the kinds; each is one file in <c>Data/TaskKinds/</c>, and the layers above read kinds only through these members.
/// </summary>
public abstract class TaskKind
{
    private protected TaskKind() { }

    /// <summary>A 0/1 label; the network outputs a logit trained with binary cross-entropy on logits.</summary>
    public static TaskKind Binary { get; } = new BinaryTaskKind();
    /// <summary>A real label; the network outputs the value trained with mean squared error.</summary>
    public static TaskKind Regression { get; } = new RegressionTaskKind();
    /// <summary>A class index 0 … k−1; the network outputs k logits trained with softmax cross-entropy.</summary>
    public static TaskKind Multiclass { get; } = new MulticlassTaskKind();

    /// <summary>Every kind: the three above, then any other kind of <c>Data/TaskKinds/</c> (found by reflection, in the order of their codes).</summary>
    public static IReadOnlyList<TaskKind> All { get; } = [Binary, Regression, Multiclass, .. typeof(TaskKind).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(TaskKind)) && !t.IsAbstract && t != typeof(BinaryTaskKind) && t != typeof(RegressionTaskKind) && t != typeof(MulticlassTaskKind))
        .Select(t => (TaskKind)Activator.CreateInstance(t, nonPublic: true)!).OrderBy(k => k.Code)];

    /// <summary>The kind's name, e.g. <c>Binary</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The kind's number in model files (never reused).</summary>
    internal abstract int Code { get; }

    /// <summary>The kind named <paramref name="name"/>, in any case.</summary>
    /// <exception cref="ArgumentException">No kind has that name (the names are listed).</exception>
    public static TaskKind Parse(string name) =>
        All.FirstOrDefault(k => k.Name.Equals(name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Task kind '{name}' is not {Names}.", nameof(name));

    /// <summary>"binary, regression or multiclass".</summary>
    public static string Names => string.Join(", ", All.Take(All.Count - 1).Select(k => k.Name.ToLowerInvariant())) + " or " + All[^1].Name.ToLowerInvariant();

    /// <summary>The kind saved as <paramref name="code"/>.</summary>
    internal static TaskKind FromCode(int code) =>
        All.FirstOrDefault(k => k.Code == code) ?? throw new InvalidDataException($"Task kind {code} is not one this build knows.");

    /// <inheritdoc/>
    public override string ToString() => Name;

    // ——— The task and its network output ———

    /// <summary>Whether the task has classes (and so a class count of at least 2).</summary>
    public virtual bool HasClasses => false;

    /// <summary>Outputs the network gives the task per row.</summary>
    public virtual int OutputWidth(int classCount) => 1;

    // ——— Labels ———

    /// <summary>What is wrong with <paramref name="label"/> (finite, not missing) as a label of a task with <paramref name="classCount"/> classes, e.g. "2 is not 0 or 1"; null when nothing is.</summary>
    internal abstract string? LabelProblem(float label, int classCount);

    /// <summary>How a present (not missing) text label of a task reads as its number; a cell that does not fit is an error naming the row.</summary>
    internal abstract Func<ReadOnlySpan<char>, long, float> TextLabels(TextLabelRules rules);

    /// <summary>Which column types a label of this kind may have.</summary>
    internal abstract LabelTypes AcceptedLabels(int classCount);

    /// <summary>
    /// How the task reads a label column whose present values over all rows are <paramref name="values"/> — as numbers or
    /// as text, and with which classes — or an error naming the value and line that does not fit; notes what it decided.
    /// </summary>
    internal abstract LabelReading ResolveLabels(LabelValues values, TextLabelRules rules, List<string> notes);

    // ——— Training ———

    /// <summary>Σᵢ wᵢ·ℓᵢ over the rows, writing wᵢ·∂ℓᵢ/∂output per output (rows × <see cref="OutputWidth"/>).</summary>
    internal abstract double Loss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, Span<float> gradient, int classCount);

    /// <summary>What early stopping on this task watches on the validation rows.</summary>
    internal abstract StoppingMetric Stopping { get; }

    /// <summary>
    /// The constant c of uncertainty weighting's L/(c·σ²): 2 for a Gaussian likelihood (squared error), 1 for a
    /// likelihood over classes (Kendall et al. 2018).
    /// </summary>
    internal virtual double UncertaintyScale => 1;

    // ——— The model's output columns and evaluation ———

    /// <summary>The columns a model appends for the task, in order: <c>task.Suffix</c> and what each holds.</summary>
    public abstract IReadOnlyList<TaskOutput> Outputs { get; }

    /// <summary>The output holding <paramref name="value"/>.</summary>
    public TaskOutput Output(TaskOutputValue value) => Outputs.FirstOrDefault(o => o.Value == value)
        ?? throw new InvalidOperationException($"A {Name.ToLowerInvariant()} task has no {value} output.");

    /// <summary>Which of ML.NET's evaluators scores the task.</summary>
    public abstract EvaluationFamily Evaluation { get; }

    /// <summary>The metric a leaderboard shows for the task: <c>AUC</c>, <c>RMSE</c>, <c>accuracy</c>.</summary>
    public abstract string HeadlineMetric { get; }

    /// <summary>The name of the task's training loss, for plots: <c>cross-entropy</c>, <c>squared error</c>.</summary>
    public abstract string LossName { get; }

    /// <summary>Whether a lower headline metric is better (RMSE).</summary>
    public virtual bool HeadlineLowerIsBetter => false;
}

/// <summary>What an appended output column holds.</summary>
public enum TaskOutputValue
{
    /// <summary>Single: the raw output — a binary task's logit, a regression task's value.</summary>
    Score,
    /// <summary>Single: σ(score).</summary>
    Probability,
    /// <summary>Boolean: score &gt; 0.</summary>
    Decision,
    /// <summary>A vector of Single: softmax of the k outputs.</summary>
    ClassProbabilities,
    /// <summary>A k-value key: the most likely class.</summary>
    PredictedClass,
}

/// <summary>One appended output column of a task: <c>task.Suffix</c>.</summary>
/// <param name="Suffix">The column name after the task's name and a dot.</param>
/// <param name="Value">What it holds.</param>
public sealed record TaskOutput(string Suffix, TaskOutputValue Value);

/// <summary>ML.NET's evaluator families.</summary>
public enum EvaluationFamily
{
    /// <summary>BinaryClassification.Evaluate: AUC, accuracy, F1, log-loss …</summary>
    Binary,
    /// <summary>Regression.Evaluate: RMSE, MAE, R².</summary>
    Regression,
    /// <summary>MulticlassClassification.Evaluate: micro/macro accuracy, log-loss …</summary>
    Multiclass,
}

/// <summary>What early stopping on one task watches.</summary>
internal enum StoppingMetric
{
    /// <summary>The AUC of the task's scores (higher is better).</summary>
    Auc,
    /// <summary>The square root of the mean loss — the RMSE of a squared-error loss (lower is better).</summary>
    RootMeanLoss,
    /// <summary>The mean loss (lower is better).</summary>
    MeanLoss,
}

/// <summary>Label column types, as flags.</summary>
[Flags]
internal enum LabelTypes
{
    None = 0,
    Boolean = 1,
    Number = 2,
    Text = 4,
    /// <summary>A key of any count.</summary>
    Key = 8,
    /// <summary>A key of exactly two values.</summary>
    TwoValueKey = 16,
}

/// <summary>What a label column holds over all its rows: what a task needs to decide how to read it.</summary>
/// <param name="Where">Where the column is, for messages: "of 'train.csv'".</param>
/// <param name="At">Where a value's line is, for messages: "line 12 of 'train.csv'" (a Parquet row, a shard's own file).</param>
/// <param name="Distinct">Each distinct present value with the line it first appears on; null when there are more than <paramref name="Limit"/>.</param>
/// <param name="Limit">How many distinct values were kept.</param>
/// <param name="FirstText">The first present value that is not a number, with its line; null when every value is one.</param>
internal sealed record LabelValues(string Where, Func<long, string> At, IReadOnlyDictionary<string, long>? Distinct, int Limit, (string Value, long Line)? FirstText)
{
    /// <summary>Whether every present value is a number.</summary>
    public bool AllNumbers => FirstText is null;
}

/// <summary>How a label column is read: as text (then by <see cref="TaskKind.TextLabels"/>) or as numbers, and a task's classes.</summary>
internal sealed record LabelReading(bool AsText, IReadOnlyList<string>? ClassNames = null);

/// <summary>What a text label reader needs to know of its task, for reading and for messages.</summary>
/// <param name="Task">The task's name.</param>
/// <param name="Column">The label column.</param>
/// <param name="PositiveValue">A binary task's positive value, or null.</param>
/// <param name="ClassNames">A multiclass task's class names, or null.</param>
internal sealed record TextLabelRules(string Task, string Column, string? PositiveValue, IReadOnlyList<string>? ClassNames);

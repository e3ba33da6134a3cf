using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;

namespace MlNetMtl.Experiments;

/// <summary>
/// The single-task gradient-boosted trees a multi-task model has to beat, trained per task on the same featurized
/// rows: LightGBM (400 iterations, 31 leaves, learning rate 0.05) and FastTree (300 trees, 31 leaves) — the settings
/// of the baseline figures in ../shared/design/data-and-targets.md.
/// </summary>
public static class SingleTaskBaselines
{
    /// <summary>
    /// One baseline's test metric on one task: AUC for binary tasks, RMSE for regression; NaN with <see cref="NotRun"/> saying
    /// why when the trainer cannot take the data. <see cref="GroupAuc"/> is the binary task's GAUC when a group column was given (else NaN).
    /// </summary>
    public sealed record Result(string Trainer, string Task, TaskKind Kind, double Metric, string? NotRun = null, double GroupAuc = double.NaN)
    {
        /// <summary>
        /// With a domain column: each domain's score on its own rows — AUC (binary) or R² (regression), as
        /// <see cref="DomainEvaluation"/> scores a multi-task model — largest domain first; NaN where the domain's rows hold one class. Empty otherwise.
        /// </summary>
        public IReadOnlyList<DomainScore> ByDomain { get; init; } = [];

        /// <summary>The row-weighted mean of <see cref="ByDomain"/> over the domains scored (NaN when none was).</summary>
        public double DomainWeightedMean => DomainScore.WeightedMean(ByDomain);

        /// <summary>The metric (and GAUC), or "not run: why".</summary>
        public string Text => NotRun is { } why ? $"not run: {why}"
            : Metric.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) + (double.IsNaN(GroupAuc) ? "" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (GAUC {GroupAuc:F4})"));
    }

    /// <summary>The baseline trainers.</summary>
    public static IReadOnlyList<string> Trainers { get; } = ["LightGBM", "FastTree"];

    /// <summary>Trains both baselines on every task of <paramref name="train"/> and measures them on <paramref name="test"/>.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="train">Featurized training rows (feature vector column plus the tasks' label columns).</param>
    /// <param name="test">Featurized test rows.</param>
    /// <param name="tasks">The tasks; rows with a missing label are left out of that task.</param>
    /// <param name="featureColumnName">The feature vector column.</param>
    /// <param name="progress">Receives each result as it is measured.</param>
    /// <param name="groupColumnName">A column of <paramref name="test"/> grouping rows (a user id): also the GAUC of each binary task.</param>
    /// <param name="domainColumnName">A column of <paramref name="test"/> naming each row's scenario (an app tab): also each domain's score (<see cref="Result.ByDomain"/>).</param>
    public static IReadOnlyList<Result> Run(MLContext ml, IDataView train, IDataView test, IEnumerable<TaskColumn> tasks, string featureColumnName, IProgress<Result>? progress = null,
        string? groupColumnName = null, string? domainColumnName = null)
    {
        var results = new List<Result>();
        foreach (var task in tasks)
            foreach (string trainer in Trainers)
            {
                var result = Measure(ml, trainer, Labelled(train, task), Labelled(test, task), task, featureColumnName, groupColumnName, domainColumnName);
                results.Add(result);
                progress?.Report(result);
            }
        return results;
    }

    /// <summary>The baseline's result; a trainer that cannot take the data is reported as not run (the others still run).</summary>
    private static Result Measure(MLContext ml, string trainer, TaskLabelView train, TaskLabelView test, TaskColumn task, string features, string? group, string? domain)
    {
        try
        {
            var scored = Fit(ml, trainer, train, features, task).Transform(test);
            string label = train.ColumnName;
            double metric = task.Kind.Evaluation == EvaluationFamily.Binary
                ? ml.BinaryClassification.EvaluateNonCalibrated(scored, label).AreaUnderRocCurve
                : ml.Regression.Evaluate(scored, label).RootMeanSquaredError;
            double groupAuc = group is not null && task.Kind.Evaluation == EvaluationFamily.Binary
                ? GroupAucEvaluator.Evaluate(scored, new TaskColumn(task.Name, label, TaskKind.Binary), group, "Score").Value
                : double.NaN;
            var byDomain = domain is null ? [] : DomainRows.Split(scored, domain).Select(d => new DomainScore(d.Domain, d.Rows, DomainScoreOf(ml, d.Of(scored), task, label))).ToArray();
            return new Result(trainer, task.Name, task.Kind, metric, GroupAuc: groupAuc) { ByDomain = byDomain };
        }
        catch (OverflowException) when (trainer == "LightGBM")
        {
            // ML.NET's LightGBM loader multiplies rows by features in 32-bit arithmetic.
            int width = (train.Schema[features].Type as VectorDataViewType)?.Size ?? 1;
            return new Result(trainer, task.Name, task.Kind, double.NaN,
                $"ML.NET's LightGBM cannot load these rows × {width:N0} feature slots (its loader overflows past 2^31 cells); a lower --hash-bits fits");
        }
    }

    private static ITransformer Fit(MLContext ml, string trainer, TaskLabelView train, string features, TaskColumn task)
    {
        string label = train.ColumnName;
        IEstimator<ITransformer> estimator = (task.Kind.Evaluation == EvaluationFamily.Binary, trainer == "LightGBM") switch
        {
            (true, true) => ml.BinaryClassification.Trainers.LightGbm(label, features, numberOfLeaves: 31, numberOfIterations: 400, learningRate: 0.05),
            (true, false) => ml.BinaryClassification.Trainers.FastTree(label, features, numberOfLeaves: 31, numberOfTrees: 300),
            (false, true) => ml.Regression.Trainers.LightGbm(label, features, numberOfLeaves: 31, numberOfIterations: 400, learningRate: 0.05),
            (false, false) => ml.Regression.Trainers.FastTree(label, features, numberOfLeaves: 31, numberOfTrees: 300),
        };
        return estimator.Fit(train);
    }

    /// <summary>One domain's AUC (binary) or R² (regression); NaN when its rows hold one class, which ML.NET's evaluator refuses.</summary>
    private static double DomainScoreOf(MLContext ml, IDataView rows, TaskColumn task, string label)
    {
        try
        {
            return task.Kind.Evaluation == EvaluationFamily.Binary
                ? ml.BinaryClassification.EvaluateNonCalibrated(rows, label).AreaUnderRocCurve
                : ml.Regression.Evaluate(rows, label).RSquared;
        }
        catch (ArgumentOutOfRangeException)
        {
            return double.NaN;
        }
    }

    /// <summary>The task's labelled rows with its label appended as Boolean (binary) or Single (regression), whatever the label column's type.</summary>
    private static TaskLabelView Labelled(IDataView data, TaskColumn task) =>
        task.Kind.Evaluation == EvaluationFamily.Multiclass
            ? throw new ArgumentException($"The single-task baselines are binary and regression trees; task '{task.Name}' is multiclass.", nameof(task))
            : new TaskLabelView(data, task);
}

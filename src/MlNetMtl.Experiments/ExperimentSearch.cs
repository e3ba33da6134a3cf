using System.Diagnostics;
using Microsoft.ML;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Evaluation;

namespace MlNetMtl.Experiments;

/// <summary>
/// Runs trials from a <see cref="SearchSpace"/> until a time budget is spent: each trains a multi-task network on the
/// training rows (early stopping on a held-out part of them) and is scored with the experiment metric on the
/// validation rows. The data are checked once before the first trial, so a data error ends the search at once with
/// its own message; a trial that fails for its settings (it diverged, say) is logged and the search goes on, unless
/// <see cref="MaxFailuresInARow"/> fail in a row. A trial still running when the budget ends is stopped and not scored.
/// To bound memory, only the <see cref="ModelsKeptPerArchitecture"/> best models of each architecture are kept; the
/// other trials keep their scores.
/// </summary>
public sealed class ExperimentSearch(MLContext ml, MultiTaskNetworkTrainerOptions template, ExperimentMetric metric, SearchSpace space)
{
    /// <summary>Trained models kept per architecture (the best ones); a leaderboard shows at most this many of one architecture.</summary>
    public const int ModelsKeptPerArchitecture = 5;

    /// <summary>Failed trials in a row that stop the search (their settings are not the problem any more).</summary>
    public const int MaxFailuresInARow = 5;

    /// <summary>Why the search stopped before its budget, or null when it ran out of time.</summary>
    public string? StoppedEarly { get; private set; }

    /// <summary>Runs trials until <paramref name="budget"/> has passed; returns every trial in order.</summary>
    /// <param name="train">Featurized training rows.</param>
    /// <param name="validation">Featurized validation rows (for the score).</param>
    /// <param name="budget">Wall-clock time for all trials.</param>
    /// <param name="finished">Told when a trial ends.</param>
    /// <param name="cancellationToken">Stops the search (the running trial between mini-batches) with an <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">A data error that would fail every trial (a bad label, a missing column, a value that is not finite, validation rows of one class).</exception>
    public IReadOnlyList<TrialResult> Run(IDataView train, IDataView validation, TimeSpan budget, Action<TrialResult>? finished = null, CancellationToken cancellationToken = default)
    {
        if (budget <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(budget), budget, "The search needs a positive time budget.");
        CheckData(train, validation, cancellationToken);
        var results = new List<TrialResult>();
        TrialResult? best = null;
        int failuresInARow = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        while (!deadline.IsCancellationRequested)
        {
            var result = Trial(results.Count + 1, space.Next(), train, validation, deadline.Token, cancellationToken);
            failuresInARow = result.Status == TrialStatus.Failed ? failuresInARow + 1 : result.Status == TrialStatus.Completed ? 0 : failuresInARow;
            results.Add(result);
            DropWeakModels(results, result.Settings.Architecture);
            if (result.Status == TrialStatus.Completed && (best is null || metric.Better(result.Score, best.Score)))
            {
                best = result;
                space.Best(result.Settings);
            }
            finished?.Invoke(result);
            if (failuresInARow >= MaxFailuresInARow)
            {
                StoppedEarly = $"{failuresInARow} trials in a row failed (the last: {result.Error})";
                break;
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }

    /// <summary>
    /// One trial of <paramref name="recipe"/> within <paramref name="budget"/>, after the same data check as <see cref="Run"/>:
    /// how an experiment compares featurizations of the same rows (each its own <paramref name="train"/> and <paramref name="validation"/>) before its search.
    /// </summary>
    /// <exception cref="ArgumentException">A data error that would fail every trial.</exception>
    public TrialResult Screen(IDataView train, IDataView validation, TrainerRecipe recipe, TimeSpan budget, CancellationToken cancellationToken = default)
    {
        CheckData(train, validation, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        var result = Trial(1, recipe, train, validation, deadline.Token, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return result;
    }

    /// <summary>Trains and scores one trial; out of time when <paramref name="deadline"/> ends it, failed when its settings do.</summary>
    private TrialResult Trial(int number, TrainerRecipe settings, IDataView train, IDataView validation, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var trialClock = Stopwatch.StartNew();
        try
        {
            var options = settings.ApplyTo(template.Clone());
            var model = ml.MultiTask().Network(options).Fit(train, null, deadline);
            var metrics = ml.MultiTask().Evaluate(model.Transform(validation), model);
            return new TrialResult(number, settings, TrialStatus.Completed, metric.Of(metrics), metrics, trialClock.Elapsed, model);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TrialResult(number, settings, TrialStatus.OutOfTime, double.NaN, null, trialClock.Elapsed, null);
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException)
        {
            return new TrialResult(number, settings, TrialStatus.Failed, double.NaN, null, trialClock.Elapsed, null, error.Message);
        }
    }

    /// <summary>Checks the template and reads the rows once as every trial will, so that an error of either is told before any trial, with its own message.</summary>
    private void CheckData(IDataView train, IDataView validation, CancellationToken cancellationToken)
    {
        // The template's own options (threads, tasks) and the settings given for every trial (--cross-layers 0) fail every trial alike.
        foreach (string architecture in space.Architectures)
            _ = ml.MultiTask().Network(space.Defaults(architecture).ApplyTo(template));
        var tasks = TaskClasses.Resolve(train, template.Tasks.ToArray());
        TrainingDataReader.Read(train, template.FeatureColumnName, tasks, template.WeightColumnName, cancellationToken);
        foreach (var task in tasks)
        {
            try
            {
                MultiTaskEvaluator.CheckEvaluable(task, new TaskLabelView(validation, task).CountLabels());
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException($"The validation rows cannot score the trials: {error.Message}", error);
            }
        }
    }

    /// <summary>Forgets the models of <paramref name="architecture"/>'s trials beyond its best <see cref="ModelsKeptPerArchitecture"/>.</summary>
    private void DropWeakModels(List<TrialResult> results, string architecture)
    {
        var weak = results.Select((r, i) => (r, i))
            .Where(x => x.r.Model is not null && x.r.Settings.Architecture == architecture)
            .OrderBy(x => metric.HigherIsBetter ? -x.r.Score : x.r.Score).ThenBy(x => x.r.Number)
            .Skip(ModelsKeptPerArchitecture).ToArray();
        foreach (var (result, index) in weak)
            results[index] = result with { Model = null };
    }
}

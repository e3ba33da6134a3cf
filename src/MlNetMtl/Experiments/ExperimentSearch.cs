using System.Diagnostics;
using Microsoft.ML;

namespace MlNetMtl.Experiments;

/// <summary>
/// Runs trials from a <see cref="SearchSpace"/> until a time budget is spent: each trains a multi-task network on the
/// training rows (early stopping on a held-out part of them) and is scored with the experiment metric on the
/// validation rows. A trial still running when the budget ends is stopped and not scored.
/// </summary>
public sealed class ExperimentSearch(MLContext ml, MultiTaskNetworkTrainerOptions template, ExperimentMetric metric, SearchSpace space)
{
    /// <summary>Runs trials until <paramref name="budget"/> has passed; returns every trial in order.</summary>
    /// <param name="train">Featurized training rows.</param>
    /// <param name="validation">Featurized validation rows (for the score).</param>
    /// <param name="budget">Wall-clock time for all trials.</param>
    /// <param name="finished">Told when a trial ends.</param>
    /// <exception cref="ArgumentException">A data error that would fail every trial (a bad label, a missing column): the first trial's error.</exception>
    public IReadOnlyList<TrialResult> Run(IDataView train, IDataView validation, TimeSpan budget, Action<TrialResult>? finished = null)
    {
        var results = new List<TrialResult>();
        TrialResult? best = null;
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(budget);
        while (!deadline.IsCancellationRequested)
        {
            int number = results.Count + 1;
            var settings = space.Next();
            var trialClock = Stopwatch.StartNew();
            TrialResult result;
            try
            {
                var options = settings.ApplyTo(template.Clone());
                var model = ml.MultiTask().Network(options).Fit(train, null, deadline.Token);
                var metrics = ml.MultiTask().Evaluate(model.Transform(validation), model);
                result = new TrialResult(number, settings, TrialStatus.Completed, metric.Of(metrics), metrics, trialClock.Elapsed, model);
            }
            catch (OperationCanceledException)
            {
                result = new TrialResult(number, settings, TrialStatus.OutOfTime, double.NaN, null, trialClock.Elapsed, null);
            }
            catch (ArgumentException) when (number == 1)
            {
                throw; // bad data: every trial would fail the same way
            }
            catch (Exception error) when (error is InvalidOperationException or ArgumentException)
            {
                result = new TrialResult(number, settings, TrialStatus.Failed, double.NaN, null, trialClock.Elapsed, null, error.Message);
            }
            results.Add(result);
            if (result.Status == TrialStatus.Completed && (best is null || metric.Better(result.Score, best.Score)))
            {
                best = result;
                space.Best(result.Settings);
            }
            finished?.Invoke(result);
        }
        return results;
    }
}

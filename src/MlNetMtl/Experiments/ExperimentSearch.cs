using System.Diagnostics;
using Microsoft.ML;

namespace MlNetMtl.Experiments;

/// <summary>
/// Runs trials from a <see cref="SearchSpace"/> until a time budget is spent: each trains a multi-task network on the
/// training rows (early stopping on a held-out part of them) and is scored with the experiment metric on the
/// validation rows. A trial still running when the budget ends is stopped and not scored. To bound memory, only the
/// <see cref="ModelsKeptPerArchitecture"/> best models of each architecture are kept; the other trials keep their scores.
/// </summary>
public sealed class ExperimentSearch(MLContext ml, MultiTaskNetworkTrainerOptions template, ExperimentMetric metric, SearchSpace space)
{
    /// <summary>Trained models kept per architecture (the best ones); a leaderboard shows at most this many of one architecture.</summary>
    public const int ModelsKeptPerArchitecture = 5;

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
            DropWeakModels(results, result.Settings.Architecture);
            if (result.Status == TrialStatus.Completed && (best is null || metric.Better(result.Score, best.Score)))
            {
                best = result;
                space.Best(result.Settings);
            }
            finished?.Invoke(result);
        }
        return results;
    }

    /// <summary>Forgets the models of <paramref name="architecture"/>'s trials beyond its best <see cref="ModelsKeptPerArchitecture"/>.</summary>
    private void DropWeakModels(List<TrialResult> results, NetworkArchitecture architecture)
    {
        var weak = results.Select((r, i) => (r, i))
            .Where(x => x.r.Model is not null && x.r.Settings.Architecture == architecture)
            .OrderBy(x => metric.HigherIsBetter ? -x.r.Score : x.r.Score).ThenBy(x => x.r.Number)
            .Skip(ModelsKeptPerArchitecture).ToArray();
        foreach (var (result, index) in weak)
            results[index] = result with { Model = null };
    }
}

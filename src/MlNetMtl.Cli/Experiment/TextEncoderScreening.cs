using System.Globalization;
using Microsoft.ML;
using MlNetMtl.Datasets;
using MlNetMtl.Experiments;

namespace MlNetMtl.Cli.Experiment;

/// <summary>
/// The experiment's choice of text featurization when the user gave none: the first candidate architecture at its
/// defaults is trained once on each of the sentence encoder's and the n-grams' featurization of the same rows, within a
/// share of the budget each; the better on the validation rows is the search's (the sentence encoder when neither finishes).
/// The two trials' time counts against the budget; loading the second featurization does not (no loading does).
/// </summary>
internal static class TextEncoderScreening
{
    /// <summary>The share of the experiment's time budget each candidate's trial may take.</summary>
    public const double BudgetShare = 0.2;

    /// <summary>Whether the experiment chooses: text columns, no --text-encoder given, and the sentence encoder available (it is the default then).</summary>
    public static bool Applies(ExperimentSettings settings, ExperimentData data) =>
        settings.TextEncoder is null && data.Dataset.Features.Text.Count > 0 && data.Dataset.Features.TextEncoder == TextEncoding.MiniLm;

    /// <summary>
    /// <paramref name="sentences"/> (featurized with <see cref="TextEncoding.MiniLm"/>) or the same rows with
    /// <see cref="TextEncoding.NGrams"/>, whichever scores better, and the time its trials took; says both scores.
    /// </summary>
    public static (ExperimentData Data, TimeSpan Spent) Choose(MLContext ml, ExperimentSettings settings, CommandRun run, ExperimentData sentences,
        ExperimentSearch search, SearchSpace space, ExperimentMetric metric)
    {
        var recipe = space.Defaults(space.Architectures[0]);
        var budget = settings.TrainTime * BudgetShare;
        var ngrams = ExperimentData.Load(ml, settings, run, TextEncoding.NGrams, quiet: true);
        var candidates = new[] { (Encoding: TextEncoding.MiniLm, Data: sentences), (Encoding: TextEncoding.NGrams, Data: ngrams) }
            .Select(c => (c.Encoding, c.Data, Trial: search.Screen(c.Data.Train, c.Data.Validation, recipe, budget, run.Token))).ToArray();
        var finished = candidates.Where(c => c.Trial.Status == TrialStatus.Completed).ToArray();
        var chosen = finished.Length == 0 ? candidates[0]
            : finished.Aggregate((best, c) => metric.Better(c.Trial.Score, best.Trial.Score) ? c : best);
        string scores = string.Join(", ", candidates.Select(c => c.Trial.Status == TrialStatus.Completed
            ? string.Create(CultureInfo.InvariantCulture, $"{c.Encoding} {c.Trial.Score:F4} ({c.Trial.Elapsed.TotalSeconds:F1} s)")
            : $"{c.Encoding} {(c.Trial.Status == TrialStatus.OutOfTime ? "out of time" : "failed: " + c.Trial.Error)}"));
        run.Progress($"Text columns ({string.Join(", ", sentences.Dataset.Features.Text)}): one {recipe.Architecture} trial at its defaults on each featurization gives {metric.Name} {scores} " +
            $"on the validation rows; the search uses {chosen.Encoding}{(finished.Length == 0 ? " (neither finished in its share of the budget; the default)" : "")} (--text-encoder fixes it).");
        return (chosen.Data, candidates.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Trial.Elapsed));
    }
}

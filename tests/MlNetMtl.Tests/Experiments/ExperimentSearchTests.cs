using Microsoft.ML;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;
using MlNetMtl.Settings;
using MlNetMtl.Tests.MLNet;

namespace MlNetMtl.Tests.Experiments;

public class ExperimentSearchTests
{
    private static readonly TaskColumn[] Tasks = [Impressions.Click, Impressions.Watch];

    [Test]
    public void TheSpace_StartsWithEachArchitecture_ThenReplaysForASeed()
    {
        var space = new SearchSpace(tasks: 2, chain: true, seed: 5);
        var first = Enumerable.Range(0, 5).Select(_ => space.Next()).ToArray();
        Assert.That(first.Select(s => s.Architecture), Is.EqualTo(new[] { "SharedBottom", "MMoE", "PLE", "ESMM", "AITM" }));
        Assert.That(first.Select(s => s.Values.Count), Is.All.EqualTo(0), "the first trials are the declared defaults");
        Assert.That(new SearchSpace(tasks: 2, chain: false, seed: 5).Architectures, Has.Count.EqualTo(3));
        Assert.That(new SearchSpace(tasks: 3, chain: true, seed: 5).Architectures, Is.EqualTo(new[] { "SharedBottom", "MMoE", "PLE", "AITM" }), "ESMM is for two tasks");
        Assert.That(new SearchSpace(tasks: 2, chain: false, seed: 5, domains: true).Architectures, Is.EqualTo(new[] { "SharedBottom", "MMoE", "PLE", "PEPNet", "STAR" }),
            "STAR needs a domain column, and is searched when the trials have one");

        string[] Sequence(int seed)
        {
            var s = new SearchSpace(2, chain: false, seed);
            return Enumerable.Range(0, 12).Select(_ => s.Next().ToString()).ToArray();
        }
        Assert.That(Sequence(9), Is.EqualTo(Sequence(9)));
        Assert.That(Sequence(9), Is.Not.EqualTo(Sequence(10)));
        Assert.That(Sequence(9), Is.Unique, "no settings are tried twice");
    }

    [Test]
    public void AfterABest_EveryOtherTrialChangesOneOfItsSettings()
    {
        var space = new SearchSpace(2, chain: false, seed: 3);
        for (int i = 0; i < 3; i++)
            space.Next();
        var values = SettingValues.None.With(Find("experts"), 6).With(Find("learning-rate"), 3e-3f).With(Find("dropout"), 0.5f);
        var best = new TrainerRecipe("MMoE", "uncertainty", values);
        space.Best(best);
        var varied = Enumerable.Range(0, 10).Select(_ => space.Next()).Where((_, i) => i % 2 == 0).ToArray(); // trials 4, 6, … vary the best
        foreach (var recipe in varied)
        {
            var flags = TrainerSettings.All.Where(s => recipe.Values.Contains(s) || best.Values.Contains(s));
            int changed = flags.Count(s => !recipe.Values.TryGet(s, out var a) | !best.Values.TryGet(s, out var b) || !Setting.Same(a, b))
                + (recipe.Architecture != best.Architecture ? 1 : 0) + (recipe.Weighting != best.Weighting ? 1 : 0);
            Assert.That(changed, Is.EqualTo(1), recipe.ToString());
            Assert.That(recipe.Architecture, Is.EqualTo("MMoE"));
        }
    }

    [Test]
    public void TheMetric_DefaultsToTheMeanScoreOfEveryTask_AndRejectsWhatDoesNotFit()
    {
        Assert.That(ExperimentMetric.Parse(null, Tasks).Name, Is.EqualTo("mean-score"));
        Assert.That(ExperimentMetric.Parse(null, [Impressions.Watch]).Name, Is.EqualTo("mean-score"));
        Assert.That(ExperimentMetric.Parse(null, Tasks).HigherIsBetter, Is.True);
        Assert.That(ExperimentMetric.Parse("RMSE:watch", Tasks).HigherIsBetter, Is.False);
        Assert.That(() => ExperimentMetric.Parse("auc:watch", Tasks), Throws.ArgumentException.With.Message.Contains("use rmse:watch"));
        Assert.That(() => ExperimentMetric.Parse("auc:nope", Tasks), Throws.ArgumentException.With.Message.Contains("no task named 'nope'"));
        Assert.That(() => ExperimentMetric.Parse("ndcg", Tasks), Throws.ArgumentException.With.Message.Contains("mean-auc, mean-rmse"));
        Assert.That(() => ExperimentMetric.Parse("mean-auc", [Impressions.Watch]), Throws.ArgumentException.With.Message.Contains("needs a binary task"));
    }

    [Test]
    public void TheSearch_RunsTrialsUntilTheBudget_ScoresThem_AndKeepsFewModelsPerArchitecture()
    {
        var ml = new MLContext(seed: 1);
        var featurize = Impressions.CategoryAndAge(ml);
        var raw = ml.Data.LoadFromEnumerable(Impressions.Generate(600, 1));
        var featurizer = featurize.Fit(raw);
        var train = ml.Data.Cache(featurizer.Transform(raw));
        var validation = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(Impressions.Generate(300, 2))));
        var template = new MultiTaskNetworkTrainerOptions { Tasks = Tasks, Training = new() { Epochs = 2, Threads = 1 } };
        var metric = ExperimentMetric.Parse("mean-auc", Tasks);
        var seen = new List<TrialResult>();

        var trials = new ExperimentSearch(ml, template, metric, new SearchSpace(2, chain: false, seed: 1)).Run(train, validation, TimeSpan.FromSeconds(6), seen.Add);

        Assert.That(seen, Is.EqualTo(trials).Using<TrialResult>((a, b) => a.Number == b.Number), "every trial is reported as it ends");
        Assert.That(trials.Select(t => t.Number), Is.EqualTo(Enumerable.Range(1, trials.Count)));
        var completed = trials.Where(t => t.Status == TrialStatus.Completed).ToArray();
        Assert.That(completed.Length, Is.GreaterThan(ExperimentSearch.ModelsKeptPerArchitecture), "enough trials to drop models");
        Assert.That(trials[^1].Status, Is.EqualTo(TrialStatus.OutOfTime).Or.EqualTo(TrialStatus.Completed));
        foreach (var trial in completed)
        {
            Assert.That(trial.Score, Is.EqualTo(metric.Of(trial.Validation!)).And.InRange(0.0, 1.0));
            Assert.That(trial.Epochs, Is.InRange(1, 2));
        }
        foreach (var group in completed.GroupBy(t => t.Settings.Architecture))
        {
            var kept = group.Where(t => t.Model is not null).ToArray();
            Assert.That(kept.Length, Is.EqualTo(Math.Min(group.Count(), ExperimentSearch.ModelsKeptPerArchitecture)), group.Key.ToString());
            Assert.That(kept.Min(t => t.Score), Is.GreaterThanOrEqualTo(group.Where(t => t.Model is null).Select(t => t.Score).DefaultIfEmpty(0).Max()), "the best are kept");
        }
    }

    private static Setting Find(string flag) => TrainerSettings.Find(flag)!;

    private static (MLContext Ml, IDataView Train, IDataView Validation) Featurized(Func<int, Impression, Impression>? edit = null)
    {
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadFromEnumerable(Impressions.Generate(600, 1).Select((r, i) => edit?.Invoke(i, r) ?? r).ToList());
        var featurizer = Impressions.CategoryAndAge(ml).Fit(raw);
        return (ml, ml.Data.Cache(featurizer.Transform(raw)), ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(Impressions.Generate(300, 2)))));
    }

    [Test]
    public void MeanScore_AveragesEachTasksAucAndRSquared()
    {
        var (ml, train, validation) = Featurized();
        var model = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = Tasks, Training = new() { Epochs = 2, Threads = 1 } }).Fit(train);
        var metrics = ml.MultiTask().Evaluate(model.Transform(validation), model);
        double expected = (metrics["click"].Binary!.AreaUnderRocCurve + metrics["watch"].Regression!.RSquared) / 2;
        Assert.That(ExperimentMetric.Parse(null, Tasks).Of(metrics), Is.EqualTo(expected).Within(1e-12));
        Assert.That(ExperimentMetric.Parse("r2:watch", Tasks).Of(metrics), Is.EqualTo(metrics["watch"].Regression!.RSquared));
    }

    [Test]
    public void ADataError_EndsTheSearchBeforeAnyTrial()
    {
        var (ml, train, validation) = Featurized((i, r) => { if (i == 9) r.Watch = float.PositiveInfinity; return r; });
        var trials = new List<TrialResult>();
        var search = new ExperimentSearch(ml, new MultiTaskNetworkTrainerOptions { Tasks = Tasks, Training = new() { Epochs = 1, Threads = 1 } }, ExperimentMetric.Parse(null, Tasks), new SearchSpace(2, false, 1));
        Assert.That(() => search.Run(train, validation, TimeSpan.FromSeconds(30), trials.Add), Throws.ArgumentException.With.Message.Contains("row 9: the label is Infinity"));
        Assert.That(trials, Is.Empty);
    }

    [Test]
    public void AScreeningTrial_IsOneTrialOfTheRecipe_AndANonPositiveBudgetIsRefused()
    {
        var (ml, train, validation) = Featurized();
        var space = new SearchSpace(2, false, 1);
        var search = new ExperimentSearch(ml, new MultiTaskNetworkTrainerOptions { Tasks = Tasks, Training = new() { Epochs = 1, Threads = 1 } }, ExperimentMetric.Parse(null, Tasks), space);
        var recipe = space.Defaults(space.Architectures[0]);
        var screened = search.Screen(train, validation, recipe, TimeSpan.FromSeconds(30));
        Assert.That((screened.Status, screened.Settings, screened.Model is not null), Is.EqualTo((TrialStatus.Completed, recipe, true)));
        Assert.That(double.IsFinite(screened.Score), "scored on the validation rows");
        Assert.That(() => search.Run(train, validation, TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("needs a positive time budget"));
    }

    [Test]
    public void TrialsFailingInARow_StopTheSearch()
    {
        var (ml, train, validation) = Featurized();
        var failing = new MultiTaskNetworkTrainerOptions { Tasks = Tasks, Training = new() { Epochs = 1, Threads = 1, EarlyStoppingTask = "nope" } };
        var search = new ExperimentSearch(ml, failing, ExperimentMetric.Parse(null, Tasks), new SearchSpace(2, false, 1));
        var trials = search.Run(train, validation, TimeSpan.FromMinutes(2));
        Assert.That(trials, Has.Count.EqualTo(ExperimentSearch.MaxFailuresInARow));
        Assert.That(trials.Select(t => t.Status), Is.All.EqualTo(TrialStatus.Failed));
        Assert.That(search.StoppedEarly, Does.Contain("5 trials in a row failed").And.Contain("EarlyStoppingTask 'nope'"));
    }
}

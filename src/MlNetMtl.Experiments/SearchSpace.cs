using MlNetMtl.MLNet;
using MlNetMtl.Networks;
using MlNetMtl.Settings;
using MlNetMtl.Training.Weighting;

namespace MlNetMtl.Experiments;

/// <summary>
/// The trials an experiment tries, in order: first each candidate architecture at its declared defaults; then,
/// alternately, a random recipe (exploration) and the best one so far with one setting changed (exploitation). The
/// architectures, weightings and settings searched, and the values tried, are those their declarations give
/// (<see cref="SettingAttribute.Search"/>); a setting given on the command line is fixed for every trial. Draws come from
/// a seeded generator, so a seed replays the same sequence for the same results.
/// </summary>
public sealed class SearchSpace
{
    private readonly string[] _architectures;
    private readonly string[]? _weightings;
    private readonly SettingValues _given;
    private readonly Random _random;
    private readonly HashSet<TrainerRecipe> _tried = [];
    private int _next;
    private TrainerRecipe? _best;

    /// <param name="tasks">How many tasks the experiment has.</param>
    /// <param name="chain">True when the tasks form a funnel (click → conversion …): the funnel architectures (ESMM, AITM) become candidates.</param>
    /// <param name="seed">Seeds the random part.</param>
    /// <param name="given">Settings given by the user: fixed for every trial (default none).</param>
    /// <param name="architecture">An architecture given by the user: the only one tried (default: every one the tasks suit).</param>
    /// <param name="weighting">A loss weighting given by the user: the only one tried (default: every searched one).</param>
    /// <param name="domains">True when the trials are given a domain column: the scenario-aware architectures (STAR) become candidates.</param>
    public SearchSpace(int tasks, bool chain, int seed, SettingValues? given = null, string? architecture = null, string? weighting = null, bool domains = false)
    {
        _architectures = architecture is not null ? [NetworkOptions.Create(architecture).Name]
            : NetworkOptions.Names.Select(NetworkOptions.Create).Where(n => n.SearchedFor(tasks, chain) && (domains || !n.NeedsDomains)).Select(n => n.Name).ToArray();
        _weightings = weighting is not null ? [LossWeighting.Create(weighting).Name] : null;
        _given = given ?? SettingValues.None;
        _random = new Random(seed);
    }

    /// <summary>The candidate architectures.</summary>
    public IReadOnlyList<string> Architectures => _architectures;

    /// <summary>The settings the search varies for <paramref name="architecture"/> with <paramref name="weighting"/> (those with candidate values, not given by the user).</summary>
    public IReadOnlyList<Setting> Searched(string architecture, string weighting)
    {
        var network = NetworkOptions.Create(architecture).GetType();
        var loss = LossWeighting.Create(weighting).GetType();
        return TrainerSettings.All.Where(s => s.Candidates.Count > 0 && !_given.Contains(s)
            && (!TrainerSettings.IsNetworkSetting(s) || s.AppliesTo(network))
            && (!TrainerSettings.IsWeightingSetting(s) || s.AppliesTo(loss))).ToArray();
    }

    /// <summary>The weightings tried with <paramref name="architecture"/>.</summary>
    public IReadOnlyList<string> Weightings(string architecture) => _weightings
        ?? (NetworkOptions.Create(architecture).SearchedWeightings is { } suited ? suited
            : LossWeighting.Names.Where(name => LossWeighting.Create(name).Searched).ToArray());

    /// <summary>Tells the space the best recipe so far (the base of later variations).</summary>
    public void Best(TrainerRecipe recipe) => _best = recipe;

    /// <summary>The next trial's recipe (the given settings included), never one already tried (unless 50 draws find nothing new).</summary>
    public TrainerRecipe Next()
    {
        int index = _next++;
        TrainerRecipe candidate;
        int draws = 0;
        do
            candidate = index < _architectures.Length ? Defaults(_architectures[index])
                : _best is not null && index % 2 == 1 ? Vary(_best) : Random();
        while (!_tried.Add(candidate) && ++draws < 50);
        return candidate;
    }

    /// <summary>The first trial of <paramref name="architecture"/>: its first weighting, the given settings, every other setting at its default.</summary>
    public TrainerRecipe Defaults(string architecture) => new(architecture, Weightings(architecture)[0], _given);

    private TrainerRecipe Random()
    {
        string architecture = Pick(_architectures);
        string weighting = Pick(Weightings(architecture));
        var values = Searched(architecture, weighting).Aggregate(_given, (v, setting) => v.With(setting, Pick(setting.Candidates)));
        return new TrainerRecipe(architecture, weighting, values);
    }

    /// <summary><paramref name="best"/> with its weighting or one setting drawn anew (a different value where there is one).</summary>
    private TrainerRecipe Vary(TrainerRecipe best)
    {
        var settings = Searched(best.Architecture, best.Weighting);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            int which = _random.Next(settings.Count + 1);
            var varied = which == settings.Count
                ? best with { Weighting = Pick(Weightings(best.Architecture)) }
                : best with { Values = best.Values.With(settings[which], Pick(settings[which].Candidates)) };
            if (!varied.Equals(best))
                return varied;
        }
        return Random();
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[_random.Next(values.Count)];
}

using MlNetMtl.MLNet;
namespace MlNetMtl.Experiments;

/// <summary>
/// The trials an experiment tries, in order: first each candidate architecture with settings that work well on
/// tabular and recommender data; then, alternately, a random combination of architecture, loss weighting, widths,
/// learning rate, dropout and batch size (exploration) and the best trial so far with one of those changed
/// (exploitation). Draws come from a seeded generator, so a seed replays the same sequence for the same results.
/// </summary>
public sealed class SearchSpace
{
    private static readonly string[] Weightings = ["fixed", "uncertainty", "gradnorm", "dwa", "rlw", "pcgrad", "cagrad", "mgda"];
    private static readonly int[][] Bottoms = [[128], [256, 128], [512, 256], [256, 128, 64]];
    private static readonly int[][] ExpertShapes = [[64], [128, 64], [256, 128]];
    private static readonly int[] ExpertCounts = [2, 4, 6, 8];
    private static readonly int[][] Towers = [[32], [64], [128, 64]];
    private static readonly float[] LearningRates = [3e-4f, 1e-3f, 3e-3f];
    private static readonly float[] Dropouts = [0f, 0.2f, 0.5f];
    private static readonly int[] BatchSizes = [128, 256, 512];

    private readonly NetworkArchitecture[] _architectures;
    private readonly Random _random;
    private int _next;
    private TrialSettings? _best;
    private readonly HashSet<string> _tried = [];

    /// <summary>Tells the space the best settings so far (the base of later variations).</summary>
    public void Best(TrialSettings settings) => _best = settings;

    /// <param name="chain">True when the tasks form a funnel (click → conversion …): AITM becomes a candidate.</param>
    /// <param name="seed">Seeds the random part.</param>
    /// <param name="esmm">True when the chain is exactly click → conversion: ESMM becomes a candidate.</param>
    public SearchSpace(bool chain, int seed, bool esmm = false)
    {
        NetworkArchitecture[] common = [NetworkArchitecture.SharedBottom, NetworkArchitecture.MMoE, NetworkArchitecture.PLE];
        _architectures = [.. common, .. chain && esmm ? [NetworkArchitecture.ESMM] : Array.Empty<NetworkArchitecture>(), .. chain ? [NetworkArchitecture.AITM] : Array.Empty<NetworkArchitecture>()];
        _random = new Random(seed);
    }

    /// <summary>The candidate architectures.</summary>
    public IReadOnlyList<NetworkArchitecture> Architectures => _architectures;

    /// <summary>The next trial's settings, never one already tried (unless 50 draws find nothing new).</summary>
    public TrialSettings Next()
    {
        int index = _next++;
        TrialSettings candidate;
        int draws = 0;
        do
            candidate = index < _architectures.Length
                ? new TrialSettings { Architecture = _architectures[index], Dropout = 0.2f }
                : _best is not null && index % 2 == 1 ? Vary(_best) : Random();
        while (!_tried.Add(candidate.ToString()) && ++draws < 50);
        return candidate;
    }

    private TrialSettings Random()
    {
        var architecture = Pick(_architectures);
        return new TrialSettings
        {
            Architecture = architecture,
            // ESMM's CTCVR product and AITM's calibrator are their own way of relating the tasks: keep their losses plain or uncertainty-weighted.
            Weighting = architecture is NetworkArchitecture.ESMM or NetworkArchitecture.AITM ? Pick(["fixed", "uncertainty"]) : Pick(Weightings),
            BottomWidths = Pick(Bottoms),
            Experts = Pick(ExpertCounts),
            ExpertWidths = Pick(ExpertShapes),
            TowerWidths = Pick(Towers),
            LearningRate = Pick(LearningRates),
            Dropout = Pick(Dropouts),
            BatchSize = Pick(BatchSizes),
        };
    }

    /// <summary><paramref name="best"/> with one setting drawn anew (a different value where there is one).</summary>
    private TrialSettings Vary(TrialSettings best)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            var varied = _random.Next(7) switch
            {
                0 => best with { Weighting = best.Architecture is NetworkArchitecture.ESMM or NetworkArchitecture.AITM ? Pick(["fixed", "uncertainty"]) : Pick(Weightings) },
                1 => best with { BottomWidths = Pick(Bottoms), ExpertWidths = Pick(ExpertShapes) },
                2 => best with { Experts = Pick(ExpertCounts) },
                3 => best with { TowerWidths = Pick(Towers) },
                4 => best with { LearningRate = Pick(LearningRates) },
                5 => best with { Dropout = Pick(Dropouts) },
                _ => best with { BatchSize = Pick(BatchSizes) },
            };
            if (varied.ToString() != best.ToString())
                return varied;
        }
        return best with { Dropout = best.Dropout == 0.5f ? 0.2f : 0.5f };
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[_random.Next(values.Count)];
}

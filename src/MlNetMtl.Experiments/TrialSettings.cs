using System.Globalization;
using MlNetMtl.MLNet;

namespace MlNetMtl.Experiments;

/// <summary>One point of the experiment's search space: an architecture, a loss weighting, widths and optimisation settings.</summary>
public sealed record TrialSettings
{
    /// <summary>The architecture.</summary>
    public NetworkArchitecture Architecture { get; init; }
    /// <summary>The loss weighting's name (see <see cref="Training.Weighting.LossWeighting.Create"/>).</summary>
    public string Weighting { get; init; } = "fixed";
    /// <summary>Shared-bottom widths (shared-bottom, ESMM, AITM).</summary>
    public int[] BottomWidths { get; init; } = [256, 128];
    /// <summary>Experts per mixture (MMoE; PLE's shared and task experts per level).</summary>
    public int Experts { get; init; } = 4;
    /// <summary>Each expert's widths (MMoE, PLE).</summary>
    public int[] ExpertWidths { get; init; } = [128, 64];
    /// <summary>Tower widths.</summary>
    public int[] TowerWidths { get; init; } = [64];
    /// <summary>Adam's step size.</summary>
    public float LearningRate { get; init; } = 1e-3f;
    /// <summary>Dropout rate.</summary>
    public float Dropout { get; init; }
    /// <summary>Rows per mini-batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>A one-line description, e.g. <c>MMoE 4×[128,64] towers [64], fixed, lr 0.001, dropout 0.2, batch 256</c>.</summary>
    public override string ToString()
    {
        string body = Architecture switch
        {
            NetworkArchitecture.MMoE or NetworkArchitecture.OMoE => $"{Experts}×[{Widths(ExpertWidths)}]",
            NetworkArchitecture.PLE => $"2 levels, {Experts / 2}+{Experts / 2}×[{Widths(ExpertWidths)}]",
            _ => $"[{Widths(BottomWidths)}]",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"{Architecture} {body} towers [{Widths(TowerWidths)}], {Weighting}, lr {LearningRate:G3}, dropout {Dropout:G2}, batch {BatchSize}");
    }

    internal static string Widths(IEnumerable<int> widths) => string.Join(",", widths);

    /// <summary>These settings applied to trainer options (everything else as given).</summary>
    public MultiTaskNetworkTrainerOptions ApplyTo(MultiTaskNetworkTrainerOptions options)
    {
        options.Architecture = Architecture;
        options.Weighting = Training.Weighting.LossWeighting.Create(Weighting);
        options.BottomWidths = BottomWidths;
        options.ExpertCount = Experts;
        options.ExpertWidths = ExpertWidths;
        options.Levels = 2;
        options.SharedExperts = Math.Max(1, Experts / 2);
        options.TaskExperts = Math.Max(1, Experts / 2);
        options.TowerWidths = Architecture == NetworkArchitecture.AITM && TowerWidths.Length < 2 ? [.. TowerWidths, 32] : TowerWidths;
        options.LearningRate = LearningRate;
        options.Dropout = Dropout;
        options.BatchSize = BatchSize;
        return options;
    }
}

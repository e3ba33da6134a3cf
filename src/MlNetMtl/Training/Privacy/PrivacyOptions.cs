using MlNetMtl.Settings;

namespace MlNetMtl.Training.Privacy;

/// <summary>
/// Differentially private training (DP-SGD, Abadi et al. 2016): each step samples units (rows, or users) independently at
/// rate q = BatchSize / rows, clips each unit's gradient of the whole weighted multi-task loss to <see cref="ClipNorm"/>,
/// sums, adds N(0, σ²C²) to every parameter and divides by the expected units per step. The Rényi accountant
/// (<see cref="RdpAccountant"/>) turns (q, σ, steps, δ) into the ε the model is trained with. Off unless
/// <see cref="Epsilon"/> or <see cref="NoiseMultiplier"/> is set.
/// </summary>
public sealed record PrivacyOptions
{
    private const string NotSearchedReason = "a privacy budget is the user's decision, not a model's shape";

    /// <summary>The target ε: σ is solved so that all planned steps spend at most this. Default null (no DP unless <see cref="NoiseMultiplier"/> is set).</summary>
    [Setting("dp-epsilon", NotSearched = NotSearchedReason)]
    public double? Epsilon { get; init; }

    /// <summary>δ of the (ε, δ) guarantee; must be below 1/units. Default null: 1/(10·units), units the training rows (or users).</summary>
    [Setting("dp-delta", NotSearched = NotSearchedReason)]
    public double? Delta { get; init; }

    /// <summary>C, the largest L2 norm of one unit's gradient (all parameters together). Default 1.</summary>
    [Setting("dp-clip", NotSearched = NotSearchedReason)]
    public float ClipNorm { get; init; } = 1f;

    /// <summary>σ, the noise multiplier, given instead of a target ε (then ε is reported, not targeted). Default null.</summary>
    [Setting("dp-noise", NotSearched = NotSearchedReason)]
    public double? NoiseMultiplier { get; init; }

    /// <summary>
    /// What one guarantee protects: <c>example</c> (a row) or <c>user:COLUMN</c> (all rows with the same value of COLUMN, clipped
    /// together: the guarantee covers everything one person did). Default <c>example</c>.
    /// </summary>
    [Setting("dp-unit", NotSearched = NotSearchedReason)]
    public string Unit { get; init; } = "example";

    /// <summary>With user-level privacy, the most rows of one user a step uses (a seeded random subset when a user has more); bounds the cost of a heavy user. Default 32.</summary>
    [Setting("dp-max-rows-per-user", NotSearched = NotSearchedReason)]
    public int MaxRowsPerUser { get; init; } = 32;

    /// <summary>Draw the noise and the sampling from the operating system's cryptographic generator instead of the seeded one (runs then differ). Default false.</summary>
    [Setting("dp-secure-noise", NotSearched = NotSearchedReason)]
    public bool SecureNoise { get; init; }

    /// <summary>Whether DP-SGD is on.</summary>
    public bool Enabled => Epsilon is not null || NoiseMultiplier is not null;

    /// <summary>The column whose values are the users of user-level privacy; null for example-level.</summary>
    public string? UserColumn => Unit.StartsWith("user:", StringComparison.OrdinalIgnoreCase) ? Unit[5..] : null;

    /// <summary>Throws when an option is out of range, naming it (the data-dependent δ &lt; 1/units is checked when training starts).</summary>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Unit, Name(nameof(Unit)));
        if (!Unit.Equals("example", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(UserColumn))
            throw new ArgumentException($"The privacy unit '{Unit}' is neither 'example' nor 'user:COLUMN' (e.g. user:user_id).", Name(nameof(Unit)));
        if (Epsilon is { } epsilon && !(epsilon > 0 && double.IsFinite(epsilon)))
            throw new ArgumentOutOfRangeException(Name(nameof(Epsilon)), epsilon, $"The target ε must be finite and > 0; got {epsilon}.");
        if (Delta is { } delta && !(delta > 0 && delta < 1))
            throw new ArgumentOutOfRangeException(Name(nameof(Delta)), delta, $"δ must be in (0, 1); got {delta}.");
        if (!(ClipNorm > 0 && float.IsFinite(ClipNorm)))
            throw new ArgumentOutOfRangeException(Name(nameof(ClipNorm)), ClipNorm, $"The clipping norm C must be finite and > 0; got {ClipNorm}.");
        if (NoiseMultiplier is { } noise && !(noise >= 0 && double.IsFinite(noise)))
            throw new ArgumentOutOfRangeException(Name(nameof(NoiseMultiplier)), noise, $"The noise multiplier σ must be finite and ≥ 0; got {noise}.");
        if (Epsilon is not null && NoiseMultiplier is not null)
            throw new ArgumentException("Give either a target ε (σ is solved for it) or a noise multiplier σ (ε is reported), not both.", Name(nameof(NoiseMultiplier)));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRowsPerUser, Name(nameof(MaxRowsPerUser)));
    }

    /// <summary>A property's name as an argument error gives it: Privacy.Epsilon.</summary>
    private static string Name(string property) => $"{nameof(TrainerOptions.Privacy)}.{property}";
}

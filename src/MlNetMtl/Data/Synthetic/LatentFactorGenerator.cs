namespace MlNetMtl.Data.Synthetic;

/// <summary>Settings of <see cref="LatentFactorGenerator"/>. Defaults are those its known-answer test uses.</summary>
public sealed record LatentFactorOptions
{
    /// <summary>Number of users. Default 300.</summary>
    public int Users { get; init; } = 300;
    /// <summary>Number of items. Default 200.</summary>
    public int Items { get; init; } = 200;
    /// <summary>Latent factors per user and item, N(0, 1) each; the click logit is their dot product. Default 4.</summary>
    public int Factors { get; init; } = 4;
    /// <summary>Standard deviation of each user's and each item's click bias. Default 0.3.</summary>
    public double BiasDeviation { get; init; } = 0.3;
    /// <summary>Factors the like task's affinity reads. Default 2.</summary>
    public int LikeFactors { get; init; } = 2;
    /// <summary>
    /// How many of <see cref="LikeFactors"/> are the click's own first factors (the rest are factors of the like task's own):
    /// the tasks' correlation, from <see cref="LikeFactors"/> (the like affinity is part of the click's) down to 0 (unrelated). Default 2.
    /// </summary>
    public int SharedFactors { get; init; } = 2;
    /// <summary>Seed of the factors and biases (the impressions have their own). Default 1.</summary>
    public int FactorSeed { get; init; } = 1;

    internal void Validate()
    {
        if (Users < 1 || Items < 1 || Factors < 1)
            throw new ArgumentOutOfRangeException(nameof(Factors), "Users, Items and Factors must be at least 1.");
        if (LikeFactors < 0 || SharedFactors < 0 || SharedFactors > LikeFactors || SharedFactors > Factors)
            throw new ArgumentOutOfRangeException(nameof(SharedFactors), SharedFactors, $"SharedFactors must be in [0, min(LikeFactors, Factors)] = [0, {Math.Min(LikeFactors, Factors)}].");
        if (!(BiasDeviation >= 0))
            throw new ArgumentOutOfRangeException(nameof(BiasDeviation), BiasDeviation, "BiasDeviation must be ≥ 0.");
    }
}

/// <summary>One generated impression: the ids, the two labels and their true probabilities (which are not features).</summary>
public sealed record LatentFactorImpression(string User, string Item, bool Click, bool Like, float ClickProbability, float LikeProbability);

/// <summary>
/// A known answer for field embeddings: users and items with latent factors, the click probability the sigmoid of their dot
/// product plus a user and an item bias, and a like task whose affinity shares <see cref="LatentFactorOptions.SharedFactors"/>
/// of those factors — a user × item interaction that an encoder summing one-hot rows before any nonlinearity learns poorly
/// and embeddings with FM learn almost to the Bayes AUC (that of the true probabilities).
/// </summary>
public sealed class LatentFactorGenerator
{
    private readonly double[][] _users, _items, _likeUsers, _likeItems;
    private readonly double[] _userBias, _itemBias;
    private readonly LatentFactorOptions _options;

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (it is named).</exception>
    public LatentFactorGenerator(LatentFactorOptions? options = null)
    {
        _options = options ?? new LatentFactorOptions();
        _options.Validate();
        var random = new Random(_options.FactorSeed);
        double[][] Vectors(int n, int size) => Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, size).Select(_ => Normal(random)).ToArray()).ToArray();
        _users = Vectors(_options.Users, _options.Factors);
        _items = Vectors(_options.Items, _options.Factors);
        _userBias = Enumerable.Range(0, _options.Users).Select(_ => _options.BiasDeviation * Normal(random)).ToArray();
        _itemBias = Enumerable.Range(0, _options.Items).Select(_ => _options.BiasDeviation * Normal(random)).ToArray();
        int own = _options.LikeFactors - _options.SharedFactors;
        _likeUsers = Vectors(_options.Users, own);
        _likeItems = Vectors(_options.Items, own);
    }

    /// <summary><paramref name="rows"/> impressions of uniformly drawn (user, item) pairs, seeded by <paramref name="seed"/>.</summary>
    public IReadOnlyList<LatentFactorImpression> Generate(int rows, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var random = new Random(seed);
        var list = new List<LatentFactorImpression>(rows);
        for (int r = 0; r < rows; r++)
        {
            int u = random.Next(_options.Users), i = random.Next(_options.Items);
            double click = _userBias[u] + _itemBias[i] + Dot(_users[u], _items[i], _options.Factors);
            double like = -1 + 1.5 * (Dot(_users[u], _items[i], _options.SharedFactors) + Dot(_likeUsers[u], _likeItems[i], _likeUsers[u].Length));
            double pClick = Sigmoid(click), pLike = Sigmoid(like);
            bool clicked = random.NextDouble() < pClick;
            list.Add(new LatentFactorImpression($"u{u}", $"i{i}", clicked, random.NextDouble() < pLike, (float)pClick, (float)pLike));
        }
        return list;
    }

    private static double Dot(double[] a, double[] b, int count)
    {
        double sum = 0;
        for (int k = 0; k < count; k++)
            sum += a[k] * b[k];
        return sum;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Normal(Random random) => MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
}

namespace MlNetMtl.Data.Synthetic;

/// <summary>One impression of <see cref="MultiDomainGenerator"/>.</summary>
/// <param name="Domain">The scenario, <c>d0</c> (the largest) … <c>d{K−1}</c>.</param>
/// <param name="Features">The impression's features, the same meaning in every domain.</param>
/// <param name="Click">The first task's label.</param>
/// <param name="Like">The second task's label.</param>
/// <param name="ClickLogit">The click's true log-odds (the known answer: its AUC is the ceiling of any model).</param>
/// <param name="SharedClickLogit">The part of <paramref name="ClickLogit"/> all domains share (the best a model blind to the domain can learn, up to scale).</param>
public sealed record DomainImpression(string Domain, float[] Features, bool Click, bool Like, double ClickLogit, double SharedClickLogit);

/// <summary>
/// A known answer for multi-domain learning: every domain's labels are a common function of the features plus a
/// function of its own, of equal weight — w·x + v_d·x per task, with the tasks' weight vectors correlated — and the
/// domains are of very unequal size (half the rows in d0, the rest shrinking by half each), so a small domain has too few
/// rows for a model of its own while a model that ignores the domain learns only the common part.
/// </summary>
public static class MultiDomainGenerator
{
    /// <summary>Features per impression.</summary>
    public const int FeatureCount = 8;

    /// <summary>Impressions of <paramref name="domains"/> domains; the same seed gives the same rows and the same label functions.</summary>
    /// <param name="rows">Rows in all.</param>
    /// <param name="domains">Domains, at least 1; domain k's share of the rows is about 2^−(k+1) (the last takes the rest).</param>
    /// <param name="seed">Seeds the label functions and the rows.</param>
    public static IReadOnlyList<DomainImpression> Generate(int rows = 40_000, int domains = 5, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(domains, 1);
        var functions = new Random(seed);
        double[] Draw(int n) => Enumerable.Range(0, n).Select(_ => Normal(functions)).ToArray();
        double[] Mix(double[] a, double[] b, double share) => a.Zip(b, (x, y) => share * x + (1 - share) * y).ToArray();
        var sharedClick = Draw(FeatureCount);
        var sharedLike = Mix(sharedClick, Draw(FeatureCount), 0.6); // correlated tasks, as click and like are
        var ownClick = Enumerable.Range(0, domains).Select(_ => Draw(FeatureCount)).ToArray();
        var ownLike = ownClick.Select(v => Mix(v, Draw(FeatureCount), 0.6)).ToArray();
        var share = Enumerable.Range(0, domains).Select(k => k == domains - 1 ? Math.Pow(0.5, k) : Math.Pow(0.5, k + 1)).ToArray();

        var random = new Random(seed * 7919 + 17);
        var impressions = new DomainImpression[rows];
        for (int r = 0; r < rows; r++)
        {
            int domain = 0;
            for (double u = random.NextDouble(), sum = share[0]; u > sum && domain < domains - 1; sum += share[++domain])
            {
            }
            var x = Enumerable.Range(0, FeatureCount).Select(_ => (float)Normal(random)).ToArray();
            double common = Dot(sharedClick, x), click = common + Dot(ownClick[domain], x), like = Dot(sharedLike, x) + Dot(ownLike[domain], x) - 1;
            bool clicked = random.NextDouble() < Sigmoid(click);
            impressions[r] = new DomainImpression($"d{domain}", x, clicked, random.NextDouble() < Sigmoid(like), click, common);
        }
        return impressions;
    }

    private static double Dot(double[] w, float[] x)
    {
        double sum = 0;
        for (int i = 0; i < w.Length; i++)
            sum += w[i] * x[i];
        return sum / Math.Sqrt(w.Length); // each part's log-odds of unit scale: labels neither random nor certain
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace MlNetMtl.Data.Synthetic;

/// <summary>
/// The MMoE paper's synthetic generator: u₁ ⊥ u₂ unit vectors; w₁ = c·u₁, w₂ = c·(p·u₁ + √(1−p²)·u₂);
/// x ~ N(0, I_d); y_t = w_tᵀx + Σᵢ sin(αᵢ·w_tᵀx + βᵢ) + ε_t with αᵢ, βᵢ ~ N(0, 1) shared by both tasks and
/// ε_t ~ N(0, σ²). The binary variant thresholds y_t at a quantile of its distribution; the multiclass variant cuts it
/// at k − 1 quantiles into k classes of equal share.
/// </summary>
public sealed class SyntheticTaskGenerator
{
    private const int ThresholdSample = 200_000;
    private readonly SyntheticTaskOptions _options;
    private readonly double[][] _weights;
    private readonly double[] _alpha;
    private readonly double[] _beta;
    private readonly double[][] _cuts;

    /// <summary>Draws the task weights and sine parameters from <see cref="SyntheticTaskOptions.Seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (it is named).</exception>
    public SyntheticTaskGenerator(SyntheticTaskOptions? options = null)
    {
        _options = options ?? new SyntheticTaskOptions();
        _options.Validate();
        var random = new Random(_options.Seed);
        var (u1, u2) = OrthonormalPair(_options.Dimension, random);
        double p = _options.Correlation, c = _options.Scale, q = Math.Sqrt(1 - p * p);
        _weights = [u1.Select(v => c * v).ToArray(), u1.Select((v, i) => c * (p * v + q * u2[i])).ToArray()];
        _alpha = Enumerable.Range(0, _options.SineTerms).Select(_ => Normal.Sample(random, 0, 1)).ToArray();
        _beta = Enumerable.Range(0, _options.SineTerms).Select(_ => Normal.Sample(random, 0, 1)).ToArray();
        // Binary labels cut y at one quantile, k classes at the k − 1 quantiles 1/k … (k−1)/k; regression keeps y.
        double[] quantiles = _options.Kind.HasClasses ? Enumerable.Range(1, _options.ClassCount - 1).Select(c => (double)c / _options.ClassCount).ToArray()
            : _options.Kind == TaskKind.Binary ? [_options.ThresholdQuantile] : [];
        _cuts = quantiles.Length == 0 ? [[], []] : EstimateQuantiles(random, quantiles);
        Thresholds = _options.Kind == TaskKind.Binary ? _cuts.Select(c => c[0]).ToArray() : [];
    }

    /// <summary>The two tasks' names, as in the generated data sets.</summary>
    public static IReadOnlyList<string> TaskNames { get; } = ["task1", "task2"];

    /// <summary>The realised cosine of w₁ and w₂ (equals the requested correlation up to rounding).</summary>
    public double RealisedCorrelation => Dot(_weights[0], _weights[1]) / Math.Sqrt(Dot(_weights[0], _weights[0]) * Dot(_weights[1], _weights[1]));

    /// <summary>For binary tasks, the threshold of each task's y (estimated from 200,000 draws); empty for regression.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>Generates <paramref name="rows"/> rows with two tasks, drawing x and ε from <paramref name="seed"/>.</summary>
    public MultiTaskDataset Generate(int rows, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        int d = _options.Dimension;
        var random = new Random(seed);
        var features = new float[rows * d];
        float[][] labels = [new float[rows], new float[rows]];
        var x = new double[d];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < d; i++)
            {
                x[i] = Normal.Sample(random, 0, 1);
                features[r * d + i] = (float)x[i];
            }
            for (int t = 0; t < 2; t++)
            {
                double y = Response(Dot(_weights[t], x)) + Normal.Sample(random, 0, _options.NoiseStdDev);
                labels[t][r] = _cuts[t].Length == 0 ? (float)y : _cuts[t].Count(cut => y > cut); // binary: 0/1; multiclass: 0 … k−1
            }
        }
        var tasks = TaskNames.Select(name => new TaskDefinition(name, _options.Kind, classCount: _options.Kind.HasClasses ? _options.ClassCount : 0)).ToArray();
        return new MultiTaskDataset(new DenseFeatures(features, rows, d), tasks, labels);
    }

    /// <summary>s + Σᵢ sin(αᵢ·s + βᵢ) for s = w_tᵀx.</summary>
    private double Response(double s)
    {
        double y = s;
        for (int i = 0; i < _alpha.Length; i++)
            y += Math.Sin(_alpha[i] * s + _beta[i]);
        return y;
    }

    /// <summary>w_tᵀx ~ N(0, ‖w_t‖²), so the quantiles of y_t are estimated from one-dimensional draws.</summary>
    private double[][] EstimateQuantiles(Random random, double[] quantiles)
    {
        var cuts = new double[2][];
        var sample = new double[ThresholdSample];
        for (int t = 0; t < 2; t++)
        {
            double norm = Math.Sqrt(Dot(_weights[t], _weights[t]));
            for (int i = 0; i < sample.Length; i++)
                sample[i] = Response(Normal.Sample(random, 0, norm)) + Normal.Sample(random, 0, _options.NoiseStdDev);
            cuts[t] = quantiles.Select(q => Statistics.Quantile(sample, q)).ToArray();
        }
        return cuts;
    }

    /// <summary>Two orthonormal vectors by Gram–Schmidt on Gaussian draws.</summary>
    private static (double[] U1, double[] U2) OrthonormalPair(int d, Random random)
    {
        var u1 = Normalize(Enumerable.Range(0, d).Select(_ => Normal.Sample(random, 0, 1)).ToArray());
        var v = Enumerable.Range(0, d).Select(_ => Normal.Sample(random, 0, 1)).ToArray();
        double projection = Dot(u1, v);
        return (u1, Normalize(v.Select((value, i) => value - projection * u1[i]).ToArray()));
    }

    private static double[] Normalize(double[] v)
    {
        double norm = Math.Sqrt(Dot(v, v));
        return v.Select(value => value / norm).ToArray();
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetMtl.Datasets;

/// <summary>The standard tabular featurization used by the loaders, from ML.NET's own transforms.</summary>
public static class Featurization
{
    /// <summary>
    /// One-hot encodes each categorical column, concatenates the numeric columns, replaces their missing values
    /// (NaN) by the column mean, and represents them three ways — standardized by mean and variance, as quantile bins
    /// (robust to the heavy tails of money amounts), and as one-hot indicators of those bins (the thresholds a tree
    /// would find, e.g. on capital gain) — and concatenates everything into <paramref name="featureColumnName"/>.
    /// </summary>
    public static IEstimator<ITransformer> Tabular(MLContext ml, IReadOnlyList<string> categorical, IReadOnlyList<string> numeric, string featureColumnName = LoadedDataset.FeatureColumnName)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (categorical.Count + numeric.Count == 0)
            throw new ArgumentException("Give at least one categorical or numeric column.", nameof(categorical));
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        var parts = new List<string>();
        if (categorical.Count > 0)
        {
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair("OneHot." + c, c)).ToArray(),
                OneHotEncodingEstimator.OutputKind.Indicator));
            parts.AddRange(categorical.Select(c => "OneHot." + c));
        }
        if (numeric.Count > 0)
        {
            pipeline = pipeline
                .Append(ml.Transforms.Concatenate("Numeric", numeric.ToArray()))
                .Append(ml.Transforms.ReplaceMissingValues("Numeric", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean))
                .Append(ml.Transforms.NormalizeMeanVariance("Numeric.Standardized", "Numeric"))
                .Append(ml.Transforms.NormalizeBinning("Numeric.Binned", "Numeric", maximumBinCount: 32));
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding("Numeric.BinIndicators", "Numeric.Binned", OneHotEncodingEstimator.OutputKind.Indicator));
            parts.Add("Numeric.Standardized");
            parts.Add("Numeric.Binned");
            parts.Add("Numeric.BinIndicators");
        }
        return pipeline.Append(ml.Transforms.Concatenate(featureColumnName, parts.ToArray()));
    }
}

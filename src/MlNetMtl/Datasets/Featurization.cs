using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Images;
using MlNetMtl.MLNet.Text;

namespace MlNetMtl.Datasets;

/// <summary>The featurizations the loaders and the experiment use, from ML.NET's own transforms.</summary>
public static class Featurization
{
    /// <summary>The transforms of <paramref name="spec"/>, ending in the concatenated <paramref name="featureColumnName"/>.</summary>
    /// <exception cref="ArgumentException">The spec names no column, or its hash bits are outside [1, 30].</exception>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, FeatureSpec spec, string featureColumnName = LoadedDataset.FeatureColumnName)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Columns.Any())
            throw new ArgumentException("The featurization names no column: give at least one feature column.", nameof(spec));
        if (spec.HashBits is < 1 or > 30)
            throw new ArgumentOutOfRangeException(nameof(spec), spec.HashBits, "HashBits must be in [1, 30].");
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        var parts = new List<string>();
        if (spec.Categorical.Count > 0)
        {
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(spec.Categorical.Select(c => new InputOutputColumnPair("OneHot." + c, c)).ToArray(),
                OneHotEncodingEstimator.OutputKind.Indicator));
            parts.AddRange(spec.Categorical.Select(c => "OneHot." + c));
        }
        if (spec.Numeric.Count > 0)
        {
            pipeline = pipeline
                .Append(ml.Transforms.Concatenate("Numeric", spec.Numeric.ToArray()))
                .Append(ml.Transforms.ReplaceMissingValues("Numeric", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean))
                .Append(ml.Transforms.NormalizeMeanVariance("Numeric.Standardized", "Numeric"));
            parts.Add("Numeric.Standardized");
            if (spec.BinNumeric)
            {
                pipeline = pipeline
                    .Append(ml.Transforms.NormalizeBinning("Numeric.Binned", "Numeric", maximumBinCount: 32))
                    .Append(ml.Transforms.Categorical.OneHotEncoding("Numeric.BinIndicators", "Numeric.Binned", OneHotEncodingEstimator.OutputKind.Indicator));
                parts.Add("Numeric.Binned");
                parts.Add("Numeric.BinIndicators");
            }
        }
        if (spec.Flags.Count > 0)
        {
            // Boolean or 0/1 Single columns; a missing flag (NaN) takes the column's mean, the share of true rows.
            var flags = spec.Flags.Select(f => new InputOutputColumnPair("Flag." + f, f)).ToArray();
            pipeline = pipeline.Append(ml.Transforms.Conversion.ConvertType(flags, DataKind.Single))
                .Append(ml.Transforms.ReplaceMissingValues(flags.Select(f => new InputOutputColumnPair(f.OutputColumnName)).ToArray(), MissingValueReplacingEstimator.ReplacementMode.Mean));
            parts.AddRange(spec.Flags.Select(f => "Flag." + f));
        }
        if (spec.Ids.Count > 0)
        {
            // Each id column hashed into a space of its own — an equal share of the 2^HashBits slots — so it stays a field of its own.
            var hashed = spec.Ids.Select(c => new InputOutputColumnPair("Id." + c, c)).ToArray();
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotHashEncoding(hashed, OneHotEncodingEstimator.OutputKind.Indicator, spec.HashBitsPerId));
            parts.AddRange(hashed.Select(c => c.OutputColumnName));
        }
        foreach (string bag in spec.Bags)
        {
            // The values of a multi-valued cell as a token vector, then one indicator per value seen in training (Bag: summed).
            string column = FieldLayouts.BagColumnPrefix + bag; // the prefix marks the field as a bag for the embedding encoder's pooling
            pipeline = pipeline.Append(ml.Transforms.Text.TokenizeIntoWords(column + ".Values", bag, FeatureSpec.BagSeparators))
                .Append(ml.Transforms.Categorical.OneHotEncoding(column, column + ".Values", OneHotEncodingEstimator.OutputKind.Bag));
            parts.Add(column);
        }
        if (spec.Images.Count > 0)
        {
            // One dense field per column: the image's pooled ResNet18 activations, projected like a sentence vector.
            var embedded = spec.Images.Select(c => new InputOutputColumnPair(ImageColumnPrefix + c, c)).ToArray();
            pipeline = pipeline.Append(ml.Transforms.EmbedImages(embedded, ImageEncoders.ResNet18(), spec.ImageFolder));
            parts.AddRange(embedded.Select(c => c.OutputColumnName));
        }
        if (spec.TextFeatures < FeatureSpec.MinTextFeaturesPerColumn)
            throw new ArgumentOutOfRangeException(nameof(spec), spec.TextFeatures, $"TextFeatures must be at least {FeatureSpec.MinTextFeaturesPerColumn}.");
        if (spec.TextEncoder == TextEncoding.MiniLm && spec.Text.Count > 0)
        {
            // One dense field per column: the sentence vector, which the embedding encoder projects like any field.
            var embedded = spec.Text.Select(t => new InputOutputColumnPair(SentenceColumnPrefix + t, t)).ToArray();
            pipeline = pipeline.Append(ml.Transforms.Text.EmbedSentences(embedded, TextEncoders.MiniLm()));
            parts.AddRange(embedded.Select(c => c.OutputColumnName));
        }
        foreach (string text in spec.TextEncoder == TextEncoding.NGrams ? spec.Text : [])
        {
            int quarter = spec.TextFeaturesPerColumn / 4;
            string column = FieldLayouts.TextColumnPrefix + text; // the prefix marks the field as multi-valued for the embedding encoder
            pipeline = pipeline.Append(ml.Transforms.Text.FeaturizeText(column, new TextFeaturizingEstimator.Options
            {
                // The dictionaries keep the most frequent n-grams of each length (ML.NET selects by term frequency).
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true, MaximumNgramsCount = [quarter, quarter] },
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = false, MaximumNgramsCount = [2 * quarter] },
            }, text));
            parts.Add(column);
        }
        return pipeline.Append(ml.Transforms.Concatenate(featureColumnName, parts.ToArray()));
    }

    /// <summary>The prefix of an image column's vector (<c>Image.cover</c>).</summary>
    public const string ImageColumnPrefix = "Image.";

    /// <summary>The prefix of a text column's sentence vector (<c>Sentence.title</c>).</summary>
    public const string SentenceColumnPrefix = "Sentence.";

    /// <summary>Hash bits for about <paramref name="distinctValues"/> distinct ids: room for 4× as many columns, between 2^10 and 2^18.</summary>
    public static int HashBitsFor(long distinctValues) => (int)Math.Clamp(Math.Ceiling(Math.Log2(Math.Max(1, distinctValues) * 4.0)), 10, 18);
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.MLNet;

/// <summary>A small recommender-like table with a known answer: clicks depend on the category and age, watch time on both.</summary>
public sealed class Impression
{
    public string Category { get; set; } = "";
    public float Age { get; set; }
    public float Income { get; set; }
    public string User { get; set; } = "";
    public bool Click { get; set; }
    public float Watch { get; set; }
    /// <summary>1/0 conversion after a click; NaN (unknown) without a click.</summary>
    public float Purchase { get; set; }
}

/// <summary>Builds impressions and the standard pipeline over them.</summary>
internal static class Impressions
{
    public static readonly TaskColumn Click = new("click", nameof(Impression.Click), TaskKind.Binary);
    public static readonly TaskColumn Watch = new("watch", nameof(Impression.Watch), TaskKind.Regression);
    public static readonly TaskColumn Purchase = new("purchase", nameof(Impression.Purchase), TaskKind.Binary, missingLabels: MissingLabelPolicy.Mask);

    public static List<Impression> Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var list = new List<Impression>(rows);
        for (int r = 0; r < rows; r++)
        {
            int category = random.Next(6);
            float age = (float)(random.NextDouble() * 100);
            double logit = (category < 3 ? 2.0 : -2.0) + 0.06 * (age - 50);
            bool click = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            list.Add(new Impression
            {
                Category = ((char)('a' + category)).ToString(),
                Age = age,
                Income = (float)(random.NextDouble() * 1000),
                User = "u" + (r % 40),
                Click = click,
                Purchase = click ? (random.NextDouble() < age / 100 ? 1f : 0f) : float.NaN,
                Watch = (float)(category * 0.5 + age * 0.02 + random.NextDouble() * 0.1),
            });
        }
        return list;
    }

    /// <summary>OneHot → Normalize → Concatenate → cache → the multi-task trainer.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, MultiTaskNetworkTrainerOptions? options = null)
    {
        options ??= new MultiTaskNetworkTrainerOptions { Tasks = [Click, Watch], Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] }, Training = new() { Epochs = 30, LearningRate = 3e-3f } };
        return ml.Transforms.Categorical.OneHotEncoding("CategoryOneHot", nameof(Impression.Category))
            .Append(ml.Transforms.NormalizeMinMax("AgeNorm", nameof(Impression.Age)))
            .Append(ml.Transforms.NormalizeMinMax("IncomeNorm", nameof(Impression.Income)))
            .Append(ml.Transforms.Concatenate("Features", "CategoryOneHot", "AgeNorm", "IncomeNorm"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MultiTask().Network(options));
    }

    /// <summary>One-hot category and min-max age, concatenated into "Features" (no label transforms).</summary>
    public static IEstimator<ITransformer> CategoryAndAge(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding("CategoryOneHot", nameof(Impression.Category))
            .Append(ml.Transforms.NormalizeMinMax("AgeNorm", nameof(Impression.Age)))
            .Append(ml.Transforms.Concatenate("Features", "CategoryOneHot", "AgeNorm"));

    /// <summary>Every value of a Single column, in row order.</summary>
    public static float[] Column(IDataView data, string name) => data.GetColumn<float>(name).ToArray();
}

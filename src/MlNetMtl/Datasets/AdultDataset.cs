using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets;

/// <summary>
/// UCI Adult ("Census Income", 1994) as the classic two-task benchmark: income &gt; 50K and marital status
/// "Never-married". marital-status is a label, so it is never a feature. Reads the UCI files as published
/// (no header; the test file's first line "|1x3 Cross validator"; labels with a trailing "." in the test file) and
/// copies with a header line.
/// </summary>
public static class AdultDataset
{
    /// <summary>Task "income": income &gt; 50K, label column <c>IncomeLabel</c>.</summary>
    public static readonly TaskColumn Income = new("income", "IncomeLabel");
    /// <summary>Task "never_married": marital-status is Never-married, label column <c>NeverMarriedLabel</c>.</summary>
    public static readonly TaskColumn NeverMarried = new("never_married", "NeverMarriedLabel");

    private static readonly string[] Numeric = ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"];
    private static readonly string[] Categorical = ["workclass", "education", "occupation", "relationship", "race", "sex", "native_country"];

    /// <summary>Reads one Adult file (adult.data or adult.test).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file does not have Adult's 15 comma-separated columns.</exception>
    public static LoadedDataset Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        string first = FirstLine(path);
        bool header = !char.IsDigit(first.TrimStart().FirstOrDefault());
        if (!header && first.Split(',').Length != 15)
            throw new InvalidDataException($"'{path}' does not look like UCI Adult: its first row has {first.Split(',').Length} comma-separated fields, not 15.");
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = header,
            Separators = [','],
            TrimWhitespace = true,
            Columns =
            [
                new("age", DataKind.Single, 0), new("workclass", DataKind.String, 1), new("fnlwgt", DataKind.Single, 2),
                new("education", DataKind.String, 3), new("education_num", DataKind.Single, 4), new("marital_status", DataKind.String, 5),
                new("occupation", DataKind.String, 6), new("relationship", DataKind.String, 7), new("race", DataKind.String, 8),
                new("sex", DataKind.String, 9), new("capital_gain", DataKind.Single, 10), new("capital_loss", DataKind.Single, 11),
                new("hours_per_week", DataKind.Single, 12), new("native_country", DataKind.String, 13), new("income", DataKind.String, 14),
            ],
        });
        var labels = ml.Transforms.Conversion.MapValue(Income.LabelColumnName, Positive(">50K", ">50K."), "income")
            .Append(ml.Transforms.Conversion.MapValue(NeverMarried.LabelColumnName, Positive("Never-married"), "marital_status"));
        var raw = loader.Load(path);
        return new LoadedDataset(ml, labels.Fit(raw).Transform(raw), [Income, NeverMarried], new FeatureSpec { Categorical = Categorical, Numeric = Numeric }, weightColumnName: null);
    }

    internal static IEnumerable<KeyValuePair<string, bool>> Positive(params string[] values) => values.Select(v => new KeyValuePair<string, bool>(v, true));

    internal static string FirstLine(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No data file at '{path}'.", path);
        using var reader = new StreamReader(path);
        return reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty.");
    }
}

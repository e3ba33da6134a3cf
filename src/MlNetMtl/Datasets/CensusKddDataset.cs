using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets;

/// <summary>
/// UCI Census-Income (KDD), the MMoE paper's data, in its raw format: 42 comma-separated fields (values after
/// the first preceded by a space, missing as "?"), optionally preceded by a row id as in DeepCTR's sample. Tasks:
/// income_50k is "50000+." and marital_stat is "Never married"; marital_stat is removed from the features and
/// <c>instance_weight</c> (a survey weight) is kept aside as <see cref="LoadedDataset.WeightColumnName"/>.
/// </summary>
public static class CensusKddDataset
{
    /// <summary>Task "income": income_50k is "50000+.", label column <c>IncomeLabel</c>.</summary>
    public static readonly TaskColumn Income = new("income", "IncomeLabel");
    /// <summary>Task "never_married": marital_stat is "Never married", label column <c>NeverMarriedLabel</c>.</summary>
    public static readonly TaskColumn NeverMarried = new("never_married", "NeverMarriedLabel");

    /// <summary>The 42 official columns, in file order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "age", "class_worker", "det_ind_code", "det_occ_code", "education", "wage_per_hour", "hs_college", "marital_stat",
        "major_ind_code", "major_occ_code", "race", "hisp_origin", "sex", "union_member", "unemp_reason", "full_or_part_emp",
        "capital_gains", "capital_losses", "stock_dividends", "tax_filer_stat", "region_prev_res", "state_prev_res",
        "det_hh_fam_stat", "det_hh_summ", "instance_weight", "mig_chg_msa", "mig_chg_reg", "mig_move_reg", "mig_same",
        "mig_prev_sunbelt", "num_emp", "fam_under_18", "country_father", "country_mother", "country_self", "citizenship",
        "own_or_self", "vet_question", "vet_benefits", "weeks_worked", "year", "income_50k",
    ];

    private static readonly HashSet<string> NumericColumns = ["age", "wage_per_hour", "capital_gains", "capital_losses", "stock_dividends", "num_emp", "weeks_worked", "instance_weight"];
    private static readonly HashSet<string> NotFeatures = ["marital_stat", "income_50k", "instance_weight"];

    /// <summary>Reads a Census-KDD file (census-income.data, census-income.test, or a sample with a leading row id).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The rows have neither 42 nor 43 fields.</exception>
    public static LoadedDataset Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        int fields = AdultDataset.FirstLine(path).Split(',').Length;
        if (fields is not (42 or 43))
            throw new InvalidDataException($"'{path}' does not look like Census-Income (KDD): its first row has {fields} fields, not 42 (or 43 with a row id).");
        int offset = fields - 42;
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = false,
            Separators = [','],
            TrimWhitespace = true,
            Columns = Columns.Select((name, i) => new TextLoader.Column(name, NumericColumns.Contains(name) ? DataKind.Single : DataKind.String, i + offset)).ToArray(),
        });
        var labels = ml.Transforms.Conversion.MapValue(Income.LabelColumnName, AdultDataset.Positive("50000+."), "income_50k")
            .Append(ml.Transforms.Conversion.MapValue(NeverMarried.LabelColumnName, AdultDataset.Positive("Never married"), "marital_stat"));
        var raw = loader.Load(path);
        var features = Columns.Where(c => !NotFeatures.Contains(c)).ToArray();
        return new LoadedDataset(ml, labels.Fit(raw).Transform(raw), [Income, NeverMarried],
            new FeatureSpec { Categorical = features.Where(c => !NumericColumns.Contains(c)).ToArray(), Numeric = features.Where(NumericColumns.Contains).ToArray() },
            weightColumnName: "instance_weight");
    }
}

using Microsoft.ML;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets;

/// <summary>
/// AliExpress search logs (click and conversion) in torch-rechub's sample layout: a header row, <c>search_id</c>
/// (ignored), <c>categorical_1…16</c> (integer ids, hashed), <c>numerical_1…63</c> (already normalised) and the labels
/// <c>click</c> and <c>conversion</c>; click → conversion is the ESMM/AITM chain.
/// </summary>
public static class AliExpressDataset
{
    /// <summary>Task "click", label column <c>click</c>.</summary>
    public static readonly TaskColumn Click = new("click", "click");
    /// <summary>Task "conversion", label column <c>conversion</c>.</summary>
    public static readonly TaskColumn Conversion = new("conversion", "conversion");

    /// <summary>Reads one AliExpress sample file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header lacks click or conversion.</exception>
    public static LoadedDataset Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var (data, ids, numeric, rows) = RecommenderCsv.Load(ml, path, "AliExpress", ["click", "conversion"], name => name switch
        {
            "click" or "conversion" => RecommenderCsv.Role.Label,
            "search_id" => RecommenderCsv.Role.Ignore,
            _ when name.StartsWith("categorical_", StringComparison.Ordinal) => RecommenderCsv.Role.Id,
            _ => RecommenderCsv.Role.Numeric,
        });
        return new LoadedDataset(ml, data, [Click, Conversion], new FeatureSpec { Ids = ids, Numeric = numeric, BinNumeric = false, HashBits = Featurization.HashBitsFor(rows * ids.Length) }, weightColumnName: null);
    }
}

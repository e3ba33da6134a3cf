using Microsoft.ML;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets;

/// <summary>
/// Ali-CCP (Taobao click and conversion, ESMM's data) in the preprocessed layout of torch-rechub's and PaddleRec's
/// samples: a header row, <c>click</c> and <c>purchase</c> (0/1), sparse feature fields named by their Ali-CCP field
/// ids (101, 121, …, 109_14 …; integer ids, hashed) and dense fields whose names start with "D" (D109_14 …).
/// Tasks click → purchase form the ESMM/AITM chain (a purchase is only observed after a click). A file without a header
/// row (PaddleRec's AITM test sample) is read with PaddleRec's 20 columns.
/// </summary>
public static class AliCcpDataset
{
    /// <summary>Task "click" (CTR), label column <c>click</c>.</summary>
    public static readonly TaskColumn Click = new("click", "click");
    /// <summary>Task "purchase" (conversion), label column <c>purchase</c>.</summary>
    public static readonly TaskColumn Purchase = new("purchase", "purchase");

    /// <summary>The columns of PaddleRec's AITM sample, in file order.</summary>
    private static readonly string[] PaddleRecColumns =
        ["click", "purchase", "101", "121", "122", "124", "125", "126", "127", "128", "129", "205", "206", "207", "216", "508", "509", "702", "853", "301"];

    /// <summary>Reads one Ali-CCP sample file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header lacks click or purchase.</exception>
    public static LoadedDataset Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var (data, ids, numeric, rows) = RecommenderCsv.Load(ml, path, "Ali-CCP", ["click", "purchase"], name => name switch
        {
            "click" or "purchase" => RecommenderCsv.Role.Label,
            _ when name.StartsWith('D') => RecommenderCsv.Role.Numeric,
            _ => RecommenderCsv.Role.Id,
        }, PaddleRecColumns);
        return new LoadedDataset(ml, data, [Click, Purchase], new FeatureSpec { Ids = ids, Numeric = numeric, BinNumeric = false, HashBits = Featurization.HashBitsFor(rows * ids.Length) }, weightColumnName: null);
    }
}

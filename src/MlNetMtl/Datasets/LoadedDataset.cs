using Microsoft.ML;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets;

/// <summary>
/// A real data set read by one of the loaders: the raw columns (with label columns the tasks can read), the
/// tasks, and the featurization pipeline that produces the <see cref="FeatureColumnName"/> column.
/// </summary>
public sealed class LoadedDataset
{
    /// <summary>
    /// A data set a loader has read: <paramref name="data"/> holds the raw columns, <paramref name="features"/> names the
    /// feature columns by role (the featurizer is built from it), <paramref name="notes"/> is what the user should be told.
    /// This is the one constructor a new format's loader calls.
    /// </summary>
    public LoadedDataset(MLContext ml, IDataView data, IReadOnlyList<TaskColumn> tasks, FeatureSpec features, string? weightColumnName,
        IReadOnlyList<string>? notes = null)
    {
        Notes = notes ?? [];
        Data = data;
        Tasks = tasks;
        Features = features;
        Featurizer = Featurization.Pipeline(ml, features);
        WeightColumnName = weightColumnName;
    }

    /// <summary>The name of the column <see cref="Featurizer"/> produces.</summary>
    public const string FeatureColumnName = "Features";

    /// <summary>The rows: the raw columns, each task's label column among them.</summary>
    public IDataView Data { get; }
    /// <summary>The tasks (label columns present in <see cref="Data"/>).</summary>
    public IReadOnlyList<TaskColumn> Tasks { get; }
    /// <summary>The raw feature columns by role, from which <see cref="Featurizer"/> is built.</summary>
    public FeatureSpec Features { get; }
    /// <summary>One-hot encodes the categoricals, normalizes the numerics, concatenates them into <see cref="FeatureColumnName"/>; label sources are excluded.</summary>
    public IEstimator<ITransformer> Featurizer { get; }
    /// <summary>What the loader decided that the user should know: how a text label was read, values read as missing.</summary>
    public IReadOnlyList<string> Notes { get; }
    /// <summary>A per-row sample weight column that is not a feature (Census-KDD's instance weight), or null.</summary>
    public string? WeightColumnName { get; }
}

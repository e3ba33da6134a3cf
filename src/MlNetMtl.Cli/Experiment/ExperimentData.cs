using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Datasets;

namespace MlNetMtl.Cli.Experiment;

/// <summary>
/// The rows of an experiment: the loaded data set, its tasks in chain order, and the training, validation and test
/// parts, featurized by the featurizer fitted on the training part only.
/// </summary>
internal sealed record ExperimentData(
    LoadedDataset Dataset,
    InferredSchema? Inferred,
    IReadOnlyList<TaskColumn> Tasks,
    bool Chain,
    ITransformer Featurizer,
    IDataView Train,
    IDataView Validation,
    IDataView Test,
    IDataView RawTest)
{
    /// <summary>Loads, splits and featurizes; prints the inferred column roles of a CSV file.</summary>
    public static ExperimentData Load(MLContext ml, ExperimentSettings settings, CliOutput output)
    {
        InferredSchema? inferred = null;
        LoadedDataset dataset;
        if (settings.Format == DataFormat.Csv)
        {
            if (settings.Tasks.Count == 0)
                throw new ArgumentException("Give at least one --task name:labelColumn:kind for a Csv file.");
            inferred = ColumnInference.Infer(settings.Dataset, settings.Tasks.Select(t => t.LabelColumnName), settings.Ignore, settings.Roles);
            if (settings.Verbosity != Verbosity.Quiet)
                output.ColumnRoles(inferred);
            dataset = CsvDataset.Load(ml, inferred, settings.Tasks);
        }
        else
        {
            if (settings.Tasks.Count > 0)
                throw new ArgumentException($"--task applies to Csv files; the {settings.Format} loader defines its own tasks ({string.Join(", ", DataOptionSet.LoadFormat(ml, settings.Format, settings.Dataset).Tasks.Select(t => t.Name))}).");
            dataset = DataOptionSet.LoadFormat(ml, settings.Format, settings.Dataset);
        }
        var (tasks, chain) = OrderByChain(dataset.Tasks, settings.Chain, settings.Format);
        if (settings.GroupColumn is { } group && dataset.Data.Schema.GetColumnOrNull(group) is null)
            throw new ArgumentException($"--group-col '{group}' is not a column of the data ({string.Join(", ", dataset.Data.Schema.Select(c => c.Name))}).");

        var (train, test) = settings.TestDataset is { } testPath
            ? (dataset.Data, Other(ml, settings, testPath, dataset))
            : Split(ml, dataset.Data, settings.TestFraction, settings, settings.Seed);
        var (fit, validation) = settings.ValidationDataset is { } validationPath
            ? (train, Other(ml, settings, validationPath, dataset))
            : Split(ml, train, settings.ValidationFraction, settings, settings.Seed + 1); // another seed: the same one would hash every training row above the cut
        var featurizer = dataset.Featurizer.Fit(fit);
        return new ExperimentData(dataset, inferred, tasks, chain, featurizer,
            ml.Data.Cache(featurizer.Transform(fit)), ml.Data.Cache(featurizer.Transform(validation)), ml.Data.Cache(featurizer.Transform(test)), test);
    }

    /// <summary>Another file of the same format, read like the training file (the loaders add the label columns).</summary>
    private static IDataView Other(MLContext ml, ExperimentSettings settings, string path, LoadedDataset dataset) =>
        settings.Format == DataFormat.Csv
            ? CsvDataset.Load(ml, path, settings.Tasks, settings.Ignore, RolesOf(dataset, settings)).Data
            : DataOptionSet.LoadFormat(ml, settings.Format, path).Data;

    /// <summary>The roles the training file was read with, so another file is read the same way.</summary>
    private static Dictionary<string, ColumnRole> RolesOf(LoadedDataset dataset, ExperimentSettings settings)
    {
        var spec = dataset.Features;
        var roles = new Dictionary<string, ColumnRole>(settings.Roles);
        foreach (var (names, role) in new[] { (spec.Categorical, ColumnRole.Categorical), (spec.Numeric, ColumnRole.Numeric), (spec.Flags, ColumnRole.Boolean), (spec.Ids, ColumnRole.Id), (spec.Text, ColumnRole.Text) })
            foreach (string name in names)
                roles[name] = role;
        return roles;
    }

    /// <summary>Rows (whole groups, with a group column) split at random; each side must keep rows.</summary>
    private static (IDataView Train, IDataView Test) Split(MLContext ml, IDataView data, double fraction, ExperimentSettings settings, int seed)
    {
        var split = ml.Data.TrainTestSplit(data, fraction, samplingKeyColumnName: settings.GroupColumn, seed: seed);
        if (!HasRows(split.TrainSet) || !HasRows(split.TestSet))
            throw new ArgumentException($"Splitting off {fraction:P0} of the rows{(settings.GroupColumn is null ? "" : $" by --group-col '{settings.GroupColumn}'")} left one side empty: give more rows or groups, or a --test-dataset/--validation-dataset.");
        return (split.TrainSet, split.TestSet);
    }

    private static bool HasRows(IDataView data)
    {
        using var cursor = data.GetRowCursor([]);
        return cursor.MoveNext();
    }

    /// <summary>The tasks with a --chain's tasks first, in chain order; formats with a click → conversion chain imply it.</summary>
    private static (IReadOnlyList<TaskColumn> Tasks, bool Chain) OrderByChain(IReadOnlyList<TaskColumn> tasks, IReadOnlyList<string>? chain, DataFormat format)
    {
        if (chain is null)
            return (tasks, format is DataFormat.AliCcp or DataFormat.AliExpress);
        if (chain.Count != tasks.Count)
            throw new ArgumentException($"--chain '{string.Join(">", chain)}' must list every task in order ({string.Join(", ", tasks.Select(t => t.Name))}).");
        var ordered = chain.Select(name => tasks.FirstOrDefault(t => t.Name == name)
            ?? throw new ArgumentException($"--chain names '{name}', which is not a task ({string.Join(", ", tasks.Select(t => t.Name))}).")).ToArray();
        var notBinary = ordered.FirstOrDefault(t => t.Kind != TaskKind.Binary);
        if (notBinary is not null)
            throw new ArgumentException($"--chain: task '{notBinary.Name}' is {notBinary.Kind.ToString().ToLowerInvariant()}; a chain (click > conversion) links binary tasks.");
        if (ordered.Distinct().Count() != ordered.Length)
            throw new ArgumentException($"--chain '{string.Join(">", chain)}' names a task twice.");
        return (ordered, true);
    }
}

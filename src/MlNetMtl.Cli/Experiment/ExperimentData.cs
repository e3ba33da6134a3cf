using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.Experiments;
using MlNetMtl.MLNet;

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
    /// <summary>Loads, splits and featurizes, text columns as <paramref name="textEncoder"/> says; prints the inferred column roles of a CSV file (unless <paramref name="quiet"/>) and the loader's notes.</summary>
    public static ExperimentData Load(MLContext ml, ExperimentSettings settings, CommandRun run, TextEncoding textEncoder, bool quiet = false)
    {
        InferredSchema? inferred = null;
        LoadedDataset dataset;
        if (settings.Format == DataFormat.Csv)
        {
            if (settings.Tasks.Count == 0)
                throw new ArgumentException("Give at least one --task name:labelColumn:kind for a Csv file.");
            inferred = ColumnInference.Infer(settings.Dataset, settings.Tasks.Select(t => t.LabelColumnName), settings.Ignore, settings.Roles);
            if (settings.Verbosity != Verbosity.Quiet && !quiet)
                run.Output.ColumnRoles(inferred);
            var features = inferred.Features(inferred.Rows);
            dataset = CsvDataset.Load(ml, inferred, settings.Tasks, features with { TextFeatures = settings.TextFeatures, TextEncoder = textEncoder, HashBits = settings.HashBits ?? features.HashBits });
        }
        else
            dataset = DataOptionSet.LoadFormat(ml, settings.Format, settings.Dataset, settings.Tasks);
        if (!quiet)
            run.Notes(dataset.Notes);
        var (tasks, chain) = OrderByChain(dataset.Tasks, settings.Chain, settings.Format);
        foreach (var (option, column) in new[] { ("--group-col", settings.GroupColumn), ("--split-by", settings.SplitColumn) })
            if (column is not null && dataset.Data.Schema.GetColumnOrNull(column) is null)
                throw new ArgumentException($"{option} '{column}' is not a column of the data ({string.Join(", ", dataset.Data.Schema.Select(c => c.Name))}).");

        var (train, test) = settings.TestDataset is { } testPath
            ? (dataset.Data, Other(ml, settings, testPath, inferred, dataset))
            : ExperimentSplit.Split(ml, dataset.Data, settings.TestFraction, settings.SplitBy, settings.SplitColumn, settings.Seed);
        var (fit, validation) = settings.ValidationDataset is { } validationPath
            ? (train, Other(ml, settings, validationPath, inferred, dataset))
            : ExperimentSplit.Split(ml, train, settings.ValidationFraction, settings.SplitBy, settings.SplitColumn, settings.Seed + 1); // another seed: the same one would hash every training row above the cut
        var featurizer = dataset.Featurizer.Fit(fit);
        return new ExperimentData(dataset, inferred, tasks, chain, featurizer,
            ml.Data.Cache(featurizer.Transform(fit)), ml.Data.Cache(featurizer.Transform(validation)), ml.Data.Cache(featurizer.Transform(test)), test);
    }

    /// <summary>Another file of the same format, read as the training file was (a Csv file with its columns' types, not inferred anew).</summary>
    private static IDataView Other(MLContext ml, ExperimentSettings settings, string path, InferredSchema? inferred, LoadedDataset dataset) =>
        inferred is not null ? CsvDataset.LoadLike(ml, path, inferred, dataset.Tasks) : DataOptionSet.LoadFormat(ml, settings.Format, path).Data;

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

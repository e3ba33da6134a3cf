using System.CommandLine;
using Microsoft.ML;
using MlNetMtl.Datasets;

namespace MlNetMtl.Cli;

/// <summary>A training file and a test file in one format, featurized by the pipeline fitted on the training rows.</summary>
internal sealed record FeaturizedSplit(LoadedDataset Dataset, IDataView Train, IDataView Test)
{
    /// <summary>Loads --dataset and the test file, fits the featurizer on the training rows and caches both featurized views.</summary>
    public static FeaturizedSplit Load(MLContext ml, ParseResult parse, DataOptionSet data, Option<FileInfo> test)
    {
        string testPath = CliPaths.Data(parse.GetValue(test)!, "--test-dataset");
        var dataset = data.LoadForTraining(ml, parse, out var inferred);
        var testData = inferred is null ? DataOptionSet.LoadFormat(ml, parse.GetValue(data.Format), testPath).Data : CsvDataset.LoadLike(ml, testPath, inferred, dataset.Tasks);
        var featurizer = dataset.Featurizer.Fit(dataset.Data);
        return new FeaturizedSplit(dataset, ml.Data.Cache(featurizer.Transform(dataset.Data)), ml.Data.Cache(featurizer.Transform(testData)));
    }
}

using System.CommandLine;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;

namespace MlNetMtl.Cli;

/// <summary><c>mlnet-mtl gain</c>: the multi-task gain of an architecture over its single-task counterparts on one split (LibMTL's Δp).</summary>
internal static class GainCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var training = new TrainingOptionSet();
        var test = new Option<FileInfo>("--test-dataset") { Description = "The test file, in the same format.", Required = true };
        var command = new Command("gain", "Train a multi-task model and each task alone with the same architecture; print every task's gain and the mean relative gain Δp.");
        data.AddTo(command, withTasks: true);
        training.AddTo(command);
        command.Options.Add(test);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            var console = run.Output;
            var ml = run.Context(training.Seed(parse));
            var (dataset, train, testFeatures) = FeaturizedSplit.Load(ml, parse, data, test);
            var options = training.Create(parse, LoadedDataset.FeatureColumnName, dataset.Tasks, progress: null);
            var report = ml.MultiTask().MultiTaskGain(train, testFeatures, options,
                new Progress<MLNet.Evaluation.TaskGain>(g => console.Line($"  {g.Task}: multi-task {g.MultiTask:F4}, single-task {g.SingleTask:F4}")));
            console.Line($"{options.Network.Name} against single-task {report.SingleTaskArchitecture}:");
            console.Line(report.ToTable());
            return 0;
        }));
        return command;
    }
}

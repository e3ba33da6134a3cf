using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML;
using MlNetMtl.Datasets;
using MlNetMtl.Training;

namespace MlNetMtl.Cli;

/// <summary><c>mlnet-mtl train</c>: featurize a data file, train a shared-bottom model, optionally evaluate it, save it as a .zip.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var training = new TrainingOptionSet(defaultEpochs: 20);
        var test = new Option<FileInfo>("--test-dataset") { Description = "A file in the same format to evaluate the trained model on." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The model file to write.", DefaultValueFactory = _ => new FileInfo("model.zip") };
        var warmStart = new Option<FileInfo>("--warm-start") { Description = "A saved model to continue from (same architecture and features); new tasks get fresh towers." };
        var pretrained = new Option<FileInfo>("--pretrained") { Description = "A text file of pretrained vectors (one per line) for the first layer's rows of a block of feature slots." };
        var pretrainedStart = new Option<int>("--pretrained-first-slot") { Description = "The feature slot of the first pretrained vector.", DefaultValueFactory = _ => 0 };
        var freeze = new Option<FreezeMode>("--freeze") { Description = "None, Shared (fine-tune towers only) or WarmStarted (train only new tasks).", DefaultValueFactory = _ => FreezeMode.None };
        var command = new Command("train", "Train a multi-task model on a data file and save it (loadable with mlContext.Model.Load after mlContext.MultiTask()).");
        data.AddTo(command, withTasks: true);
        training.AddTo(command);
        command.Options.Add(test);
        command.Options.Add(output);
        command.Options.Add(warmStart);
        command.Options.Add(freeze);
        command.Options.Add(pretrained);
        command.Options.Add(pretrainedStart);
        command.SetAction(parse => CliApp.Guard(() =>
        {
            var console = new CliOutput();
            var ml = new MLContext(parse.GetValue(training.Seed));
            var dataset = data.LoadForTraining(ml, parse);
            console.Line($"Tasks: {string.Join(", ", dataset.Tasks.Select(t => $"{t.Name} ({t.Kind}, label '{t.LabelColumnName}')"))}.");
            var options = training.Create(parse, LoadedDataset.FeatureColumnName, dataset.Tasks, console.EpochProgress(dataset.Tasks.Select(t => t.Name).ToArray()));
            if (parse.GetValue(warmStart) is { } startFile)
                options.WarmStart = MultiTaskTransformer.FindIn(ml.MultiTask().LoadModel(startFile.FullName, out _))
                    ?? throw new ArgumentException($"'{startFile.FullName}' holds no MlNetMtl multi-task transformer.");
            options.Freeze = parse.GetValue(freeze);
            if (parse.GetValue(pretrained) is { } vectors)
                options.Pretrained = PretrainedVectors.FromFile(vectors.FullName, parse.GetValue(pretrainedStart));
            var clock = Stopwatch.StartNew();
            var model = dataset.Featurizer.AppendCacheCheckpoint(ml).Append(ml.MultiTask().Network(options)).Fit(dataset.Data);
            console.Line($"Trained in {clock.Elapsed.TotalSeconds:F1} s.");
            if (parse.GetValue(test) is { } testFile)
            {
                var testData = DataOptionSet.LoadForModel(ml, parse.GetValue(data.Format), testFile.FullName, dataset.Data.Schema);
                console.Line($"Test set {testFile.Name}:");
                console.Metrics(ml.MultiTask().Evaluate(model.Transform(testData), dataset.Tasks));
            }
            string path = parse.GetValue(output)!.FullName;
            ml.MultiTask().SaveModel(model, dataset.Data.Schema, path);
            console.Line($"Saved the model to {path}.");
            return 0;
        }));
        return command;
    }
}

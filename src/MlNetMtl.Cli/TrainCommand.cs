using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.Training;
using MlNetMtl.Training.Checkpoints;
using MlNetMtl.Training.Distributed;

namespace MlNetMtl.Cli;

/// <summary><c>mlnet-mtl train</c>: featurize a data file, train a multi-task model, optionally evaluate it, save it as a .zip.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var training = new TrainingOptionSet();
        var test = new Option<FileInfo>("--test-dataset") { Description = "A file in the same format to evaluate the trained model on." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The model file to write (replaced only once the new model is complete).", DefaultValueFactory = _ => new FileInfo("model.zip") };
        var warmStart = new Option<FileInfo>("--warm-start") { Description = "A saved model to continue from (same architecture and features); new tasks get fresh towers." };
        var pretrained = new Option<FileInfo>("--pretrained") { Description = "A text file of pretrained vectors (one per line) for the first layer's rows of a block of feature slots." };
        var pretrainedStart = new Option<int>("--pretrained-first-slot") { Description = "The feature slot of the first pretrained vector.", DefaultValueFactory = _ => 0 };
        var audit = new Option<bool>("--privacy-audit") { Description = "After training, attack the model: tell its training rows from --test-dataset's rows by their loss (AUC and the ε that proves)." };
        var distributed = new Option<DistributedMode>("--distributed")
        {
            Description = "None: this process alone. Mpi: one of the processes `mpiexec -n N` started; each reads the whole data file and trains on its shard of every " +
                          "mini-batch on one thread, the gradients summed in rank order (N processes give the model one process gives with --threads N); rank 0 alone prints and " +
                          "writes. Needs Open MPI or MPICH.",
            DefaultValueFactory = _ => DistributedMode.None,
        };
        var distributedTimeout = new Option<double>("--distributed-timeout")
        {
            Description = "Seconds an exchange of a distributed run waits for the other processes; past it, a process that stopped or hangs ends the run with an error.",
            DefaultValueFactory = _ => Mpi.DefaultTimeout.TotalSeconds,
        };
        var defaults = new CheckpointOptions("model.zip.checkpoint");
        var checkpointEvery = new Option<int?>("--checkpoint-every")
        {
            Description = "Save the run's whole state (weights, optimizer, data position, random generators) every N mini-batch steps to --checkpoint, so that " +
                          $"--resume continues a crashed or killed run to the weights it would have reached. [default: off; with --resume, {defaults.EverySteps}]",
            HelpName = "N",
        };
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "The checkpoint file. [default: the --output file's name + .checkpoint]", HelpName = "FILE" };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the run whose checkpoint is at --checkpoint: the same command and data, the same model at the end. The checkpoint is deleted once the model is saved.",
        };
        var command = new Command("train", "Train a multi-task model on a data file and save it (loadable with mlContext.Model.Load after mlContext.MultiTask()).");
        data.AddTo(command, withTasks: true);
        data.AddDomainTo(command);
        training.AddTo(command);
        command.Options.Add(test);
        command.Options.Add(output);
        command.Options.Add(warmStart);
        command.Options.Add(pretrained);
        command.Options.Add(pretrainedStart);
        command.Options.Add(audit);
        command.Options.Add(distributed);
        command.Options.Add(distributedTimeout);
        command.Options.Add(checkpointEvery);
        command.Options.Add(checkpoint);
        command.Options.Add(resume);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            JoinProcesses(run, parse.GetValue(distributed), parse.GetValue(distributedTimeout));
            // Every path is checked before the minutes of training that would otherwise be lost.
            string datasetPath = data.DatasetPath(parse);
            string? testPath = parse.GetValue(test) is { } testFile ? CliPaths.Data(testFile, "--test-dataset") : null;
            string? startPath = parse.GetValue(warmStart) is { } startFile ? CliPaths.Input(startFile, "--warm-start") : null;
            string? vectorsPath = parse.GetValue(pretrained) is { } vectors ? CliPaths.Input(vectors, "--pretrained") : null;
            string path = CliPaths.Output(parse.GetValue(output)!, "--output", datasetPath, testPath, startPath, vectorsPath);
            var checkpointing = Checkpointing(parse.GetValue(checkpointEvery), parse.GetValue(resume), parse.GetValue(checkpoint), path, defaults, run.Writes,
                datasetPath, testPath, startPath, vectorsPath);
            var recipe = training.Recipe(parse);
            var freeze = recipe.Values.TryGet(TrainerSettings.Find("freeze")!, out var mode) ? (FreezeMode)mode! : FreezeMode.None;
            if (freeze != FreezeMode.None && startPath is null)
                throw new ArgumentException($"--freeze {freeze} needs --warm-start: frozen layers would keep their random initialisation.");
            if (parse.GetValue(audit) && testPath is null)
                throw new ArgumentException("--privacy-audit attacks the model with held-out rows: give them with --test-dataset.");

            var ml = run.Context(training.Seed(parse));
            var dataset = data.LoadForTraining(ml, parse, out _, run.Verbosity == Verbosity.Quiet ? null : run.Output.ColumnRoles);
            run.Notes(dataset.Notes);
            run.Progress($"Tasks: {string.Join(", ", dataset.Tasks.Select(Describe))}.");
            var progress = run.Verbosity == Verbosity.Quiet ? null : run.Output.EpochProgress(dataset.Tasks.Select(t => t.Name).ToArray());
            var options = recipe.ApplyTo(TrainingOptionSet.Template(LoadedDataset.FeatureColumnName, dataset.Tasks, progress));
            options.DomainColumn = data.DomainColumn(parse);
            if (startPath is not null)
                options.WarmStart = MultiTaskTransformer.FindIn(ml.MultiTask().LoadModel(startPath, out _))
                    ?? throw new ArgumentException($"--warm-start '{startPath}' holds no MlNetMtl multi-task transformer.");
            if (vectorsPath is not null)
                options.Training = options.Training with { Pretrained = PretrainedVectors.FromFile(vectorsPath, parse.GetValue(pretrainedStart)) };
            options.Training = options.Training with { Distributed = run.Processes, Checkpoint = checkpointing };
            if (checkpointing is not null)
            {
                run.Checkpoint = checkpointing.Path;
                string streamed = options.ShuffleBufferRows is null ? "" : " Rows streamed through a shuffle buffer are read again up to the checkpoint's position first.";
                run.Progress(checkpointing.Resume ? $"Resuming the run of checkpoint {checkpointing.Path}.{streamed}" : $"Checkpoints every {checkpointing.EverySteps:N0} steps to {checkpointing.Path}; should this run be stopped, the same command with --resume continues it.");
            }
            var clock = Stopwatch.StartNew();
            var model = dataset.Featurizer.AppendCacheCheckpoint(ml).Append(ml.MultiTask().Network(options)).Fit(dataset.Data);
            run.Progress($"Trained in {clock.Elapsed.TotalSeconds:F1} s.");
            if (MultiTaskTransformer.FindIn(model)!.Privacy is { } privacy)
                run.Output.Line(CliOutput.Describe(privacy));
            if (testPath is not null && run.Writes)
            {
                var testData = DataOptionSet.LoadForModel(ml, parse.GetValue(data.Format), testPath, dataset.Data.Schema);
                run.Output.Line($"Test set {Path.GetFileName(testPath)}:");
                run.Output.Metrics(ml.MultiTask().Evaluate(model.Transform(testData), MultiTaskTransformer.FindIn(model)!));
                if (options.DomainColumn is { } domainColumn)
                    run.Output.DomainMetrics(ml.MultiTask().EvaluateByDomain(model.Transform(testData), dataset.Tasks, domainColumn), MultiTaskTransformer.FindIn(model)!.Network.Domains);
                if (parse.GetValue(audit))
                    run.Output.Audit(ml.MultiTask().PrivacyAudit(model, dataset.Data, testData));
            }
            run.Token.ThrowIfCancellationRequested();
            if (run.Writes)
            {
                ml.MultiTask().SaveModel(model, dataset.Data.Schema, path);
                run.Output.Line($"Saved the model to {path}.");
                if (checkpointing is not null && File.Exists(checkpointing.Path))
                {
                    // The checkpoint was this run's way back; the model now holds what it would give.
                    File.Delete(checkpointing.Path);
                    run.Checkpoint = null;
                    run.Progress($"Deleted checkpoint {checkpointing.Path}: the model is saved.");
                }
            }
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The run's checkpoints, or null without <c>--checkpoint-every</c> or <c>--resume</c>; checked now (the file exists to
    /// resume, or does not to start afresh; its folder is writable) rather than after the data are loaded — by the process
    /// that <paramref name="writes"/> them only: on resume it sends the file to the others, which may run on hosts without it.
    /// </summary>
    private static CheckpointOptions? Checkpointing(int? every, bool resume, FileInfo? file, string output, CheckpointOptions defaults, bool writes, params string?[] inputs)
    {
        if (every is null && !resume)
        {
            if (file is not null)
                throw new ArgumentException("--checkpoint names where checkpoints go: add --checkpoint-every N to write them, or --resume to continue from one.");
            return null;
        }
        if (every is < 1)
            throw new ArgumentException($"--checkpoint-every {every} must be a number of steps ≥ 1.");
        string path = CliPaths.Output(file ?? new FileInfo(output + ".checkpoint"), "--checkpoint", [.. inputs, output]);
        var checkpoint = defaults with { Path = path, EverySteps = every ?? defaults.EverySteps, Resume = resume };
        if (writes)
            checkpoint.CheckStart();
        return checkpoint;
    }

    /// <summary>How a training run spans processes.</summary>
    internal enum DistributedMode
    {
        /// <summary>This process alone.</summary>
        None,
        /// <summary>The processes of an MPI job.</summary>
        Mpi,
    }

    /// <summary>Joins the MPI job when asked; refuses a process an MPI launcher started that would train alone (every copy would write the same file).</summary>
    private static void JoinProcesses(CommandRun run, DistributedMode mode, double timeoutSeconds)
    {
        if (mode == DistributedMode.None)
        {
            if (Mpi.Launched)
                throw new ArgumentException("This process was started by an MPI launcher (mpiexec), but --distributed is None: every copy would train alone and write the same file. " +
                    "Add --distributed mpi.");
            return;
        }
        if (!(timeoutSeconds > 0) || !double.IsFinite(timeoutSeconds))
            throw new ArgumentException($"--distributed-timeout {timeoutSeconds} must be a positive number of seconds.");
        run.JoinProcesses(Mpi.Connect(TimeSpan.FromSeconds(timeoutSeconds)));
        run.Progress($"Rank 0 of {run.Processes!.Size} processes{(run.Processes.Size == 1 ? " (not started by mpiexec -n N: training alone)" : "")}; each trains on its shard of every mini-batch.");
    }

    /// <summary>"income (Binary, label 'income', positive '>50K')".</summary>
    internal static string Describe(TaskColumn task)
    {
        string detail = task.PositiveValue is { } positive ? $", positive '{positive}'"
            : task.ClassNames is { } classes ? $", {classes.Count} classes: {string.Join(", ", classes.Take(8))}{(classes.Count > 8 ? ", …" : "")}" : "";
        return $"{task.Name} ({task.Kind}, label '{task.LabelColumnName}'{detail})";
    }
}

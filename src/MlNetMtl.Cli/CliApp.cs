using System.CommandLine;

namespace MlNetMtl.Cli;

/// <summary>The command tree of <c>mlnet-mtl</c>.</summary>
internal static class CliApp
{
    public static RootCommand Create() => new("mlnet-mtl: multi-task learning for recommender ranking on ML.NET.")
    {
        DemoCommand.Create(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        PredictCommand.Create(),
        GenerateCommand.Create(),
        StudyCommand.Create(),
        CompareCommand.Create(),
        GainCommand.Create(),
        Experiment.ExperimentCommand.Create(),
    };

    /// <summary>
    /// Runs a command's body; a bad option or data error (ArgumentException) or a failed training run
    /// (InvalidOperationException) is reported as one line on standard error with exit code 1, not as a stack trace.
    /// </summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {error.Message}");
            return 1;
        }
    }
}

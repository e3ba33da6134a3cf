using System.CommandLine;

namespace MlNetMtl.Cli;

/// <summary>The command tree of <c>mlnet-mtl</c>, and how a command's body is run: errors as one line, Ctrl-C as a clean stop.</summary>
internal static class CliApp
{
    /// <summary>The name of the option every command takes.</summary>
    public const string VerbosityOption = "--verbosity";

    public static RootCommand Create()
    {
        var root = new RootCommand("mlnet-mtl: multi-task learning for recommender ranking on ML.NET.")
        {
            DemoCommand.Create(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            PredictCommand.Create(),
            ExportCommand.Create(),
            Serving.ServeCommand.Create(),
            GenerateCommand.Create(),
            StudyCommand.Create(),
            CompareCommand.Create(),
            GainCommand.Create(),
            Experiment.ExperimentCommand.Create(),
            PrivacyCommand.Create(),
        };
        root.Options.Add(new Option<Verbosity>(VerbosityOption, "-v")
        {
            Description = "Quiet (results and errors), Normal (also progress) or Detailed (also every experiment epoch, and stack traces of errors).",
            DefaultValueFactory = _ => Verbosity.Normal,
            Recursive = true,
        });
        root.Options.Add(new Option<string>(EmbeddingCacheOption)
        {
            Description = "The folder where encoded text and image vectors are kept between runs, so nothing is encoded twice ($XDG_CACHE_HOME/mlnet-mtl/embeddings, else ~/.cache/…; none: in memory only).",
            DefaultValueFactory = _ => DefaultEmbeddingCache,
            Recursive = true,
        });
        return root;
    }

    /// <summary>The name of the option that places the sentence-vector cache.</summary>
    public const string EmbeddingCacheOption = "--embedding-cache";

    private static string DefaultEmbeddingCache =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "mlnet-mtl", "embeddings");

    /// <summary>Runs a command line as the process: Ctrl-C and SIGTERM stop the command cleanly.</summary>
    public static int Run(string[] args)
    {
        using var interruption = Interruption.Install();
        return Create().Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>
    /// Runs a command's body. Any error is one line on standard error naming its cause (with the stack trace under
    /// --verbosity detailed), exit code 1; an interruption says so, exit code 130 (SIGINT) or 143 (SIGTERM).
    /// </summary>
    public static int Guard(ParseResult parse, Func<CommandRun, int> body)
    {
        var run = new CommandRun(parse, parse.GetValue<Verbosity>(VerbosityOption));
        try
        {
            string cache = parse.GetValue<string>(EmbeddingCacheOption)!;
            if (File.Exists(cache))
                throw new ArgumentException($"{EmbeddingCacheOption} '{cache}' is a file; give the folder to keep encoded text and image vectors in (or none).");
            MLNet.Pretrained.EmbeddingCache.Default = new MLNet.Pretrained.EmbeddingCache(cache.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : cache);
            return body(run);
        }
        catch (Exception error) when (CliErrors.IsCancellation(error) && Interruption.Current?.Signal is { } signal)
        {
            Console.Error.WriteLine($"Interrupted by {Interruption.Name(signal)}: stopped before finishing; " +
                (run.ResumeHint is { } hint ? hint : "nothing was written."));
            return Interruption.ExitCode(signal);
        }
        catch (Exception error) when (run.Processes is { Size: > 1 } processes)
        {
            // One process of a distributed run: say which, then end every process now rather than let them wait for this one.
            string message = CliErrors.Describe(error).Message, rank = $"rank {processes.Rank} of {processes.Size}";
            Console.Error.WriteLine(message.StartsWith(rank, StringComparison.OrdinalIgnoreCase) ? $"error: {message}" : $"error: {rank}: {message}");
            if (run.Verbosity == Verbosity.Detailed)
                Console.Error.WriteLine(error);
            if (run.ResumeHint is { } hint && processes.Rank == 0)
                Console.Error.WriteLine(char.ToUpperInvariant(hint[0]) + hint[1..]);
            Console.Error.Flush();
            processes.Abort(1);
            return 1;
        }
        catch (Exception error)
        {
            Console.Error.WriteLine($"error: {CliErrors.Describe(error).Message}");
            if (run.Verbosity == Verbosity.Detailed)
                Console.Error.WriteLine(error);
            if (run.ResumeHint is { } hint)
                Console.Error.WriteLine(char.ToUpperInvariant(hint[0]) + hint[1..]);
            return 1;
        }
    }
}

using System.CommandLine;
using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;

namespace MlNetMtl.Cli;

/// <summary>The command-line options that describe the MMoE synthetic generator, shared by the commands that use it.</summary>
internal sealed class SyntheticDataOptions
{
    public Option<int> Dimension { get; } = new("--dimension") { Description = "Input dimension d.", DefaultValueFactory = _ => 100 };
    public Option<double> Correlation { get; } = new("--correlation") { Description = "Task correlation p in [-1, 1].", DefaultValueFactory = _ => 0.9 };
    public Option<TaskKind> Kind { get; } = new("--kind")
    {
        Description = "Binary (labels thresholded at the median), Regression, or Multiclass (cut into --classes classes of equal share).",
        DefaultValueFactory = _ => TaskKind.Binary,
        CustomParser = result => TaskKind.All.FirstOrDefault(k => k.Name.Equals(result.Tokens.Single().Value, StringComparison.OrdinalIgnoreCase))
            ?? Fail(result, $"--kind '{result.Tokens.Single().Value}' is not {TaskKind.Names}."),
    };
    public Option<int> Classes { get; } = new("--classes") { Description = "Classes of each multiclass task.", DefaultValueFactory = _ => new SyntheticTaskOptions().ClassCount };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the generator, the split and training.", DefaultValueFactory = _ => 42 };

    private static TaskKind Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return TaskKind.Binary;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Dimension);
        command.Options.Add(Correlation);
        command.Options.Add(Kind);
        command.Options.Add(Classes);
        command.Options.Add(Seed);
    }

    public SyntheticTaskGenerator CreateGenerator(ParseResult parse) => new(new SyntheticTaskOptions
    {
        Dimension = parse.GetValue(Dimension),
        Correlation = parse.GetValue(Correlation),
        Kind = parse.GetValue(Kind)!,
        ClassCount = parse.GetValue(Classes),
        Seed = parse.GetValue(Seed),
    });
}

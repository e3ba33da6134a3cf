using System.CommandLine;
using System.Globalization;
using MlNetMtl.Experiments;
using Spectre.Console;

namespace MlNetMtl.Cli;

/// <summary>
/// <c>mlnet-mtl study</c>: the MMoE paper's synthetic task-correlation experiment — MMoE against a parameter-matched
/// shared-bottom network, held-out MSE by task correlation p, averaged over seeds.
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var correlations = new Option<string>("--correlations") { Description = "Task correlations p, comma-separated.", DefaultValueFactory = _ => "1.0,0.9,0.5" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per cell (new task weights and data each).", DefaultValueFactory = _ => 3 };
        var rows = new Option<int>("--rows") { Description = "Training rows per run.", DefaultValueFactory = _ => 20_000 };
        var command = new Command("study", "Reproduce the MMoE paper's synthetic study: held-out loss of MMoE vs parameter-matched shared-bottom by task correlation.");
        command.Options.Add(correlations);
        command.Options.Add(seeds);
        command.Options.Add(rows);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            var console = run.Output;
            var options = new CorrelationStudy.Options
            {
                Correlations = parse.GetValue(correlations)!.Split(',').Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                    ? value : throw new ArgumentException($"'{p}' in --correlations is not a number.")).ToArray(),
                Seeds = parse.GetValue(seeds),
                TrainRows = parse.GetValue(rows),
            };
            console.Line($"MMoE (8 experts × 16, towers 8) vs shared-bottom [{CorrelationStudy.ParameterMatchedSharedBottom(options.Dimension).BottomWidths[0]}] (towers 8), " +
                         $"d={options.Dimension}, {options.TrainRows:N0} training rows, {options.Seeds} seeds per cell:");
            var results = CorrelationStudy.Run(options, new Progress<CorrelationStudy.Result>(r => console.Line($"  p={r.Correlation:F2} {r.Model}: {r.MeanLoss:F4}")), run.Token);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("p", "MMoE MSE", "Shared-bottom MSE", "parameters (MMoE / SB)");
            foreach (var group in results.GroupBy(r => r.Correlation))
            {
                var mmoe = group.Single(r => r.Model == "MMoE");
                var sharedBottom = group.Single(r => r.Model != "MMoE");
                table.AddRow(group.Key.ToString("F2", CultureInfo.InvariantCulture), $"{mmoe.MeanLoss:F4} ± {mmoe.StdError:F4}", $"{sharedBottom.MeanLoss:F4} ± {sharedBottom.StdError:F4}",
                    $"{mmoe.Parameters:N0} / {sharedBottom.Parameters:N0}");
            }
            console.Console.Write(table);
            return 0;
        }));
        return command;
    }
}

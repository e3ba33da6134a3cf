using System.CommandLine;
using Microsoft.ML;

namespace MlNetMtl.Cli;

/// <summary><c>mlnet-mtl evaluate</c>: a saved model and a labelled data file in, the per-task metrics table out.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var model = new Option<FileInfo>("--model", "-m") { Description = "The model file (.zip).", Required = true };
        var group = new Option<string>("--group-col") { Description = "A column grouping rows (e.g. a user id): also report GAUC of each binary task." };
        var command = new Command("evaluate", "Evaluate every task of a saved model on a labelled data file.");
        command.Options.Add(model);
        data.AddTo(command, withTasks: false);
        command.Options.Add(group);
        command.SetAction(parse => CliApp.Guard(() =>
        {
            var console = new CliOutput();
            var (ml, transformer, scored) = ScoredData.Load(parse, model, data);
            console.Metrics(ml.MultiTask().Evaluate(scored, transformer));
            if (parse.GetValue(group) is { } groupColumn)
                foreach (var task in transformer.Tasks.Where(t => t.Kind == Data.TaskKind.Binary))
                {
                    var gauc = ml.MultiTask().GroupAuc(scored, task, groupColumn);
                    console.Line($"{task.Name}: GAUC {gauc.Value:F4} over {gauc.GroupsUsed:N0} groups ({gauc.GroupsSkipped:N0} with one class skipped).");
                }
            return 0;
        }));
        return command;
    }
}

using System.CommandLine;
using MlNetMtl.MLNet;

namespace MlNetMtl.Cli;

/// <summary><c>mlnet-mtl evaluate</c>: a saved model and a labelled data file in, the per-task metrics table out.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var model = new Option<FileInfo>("--model", "-m") { Description = "The model file (.zip).", Required = true };
        var group = new Option<string>("--group-col") { Description = "A column grouping rows (e.g. a user id): also report GAUC of each binary task." };
        var audit = new Option<FileInfo>("--privacy-audit") { Description = "The model's training file: also attack the model, telling those rows from --data's (held-out) rows by their loss." };
        var command = new Command("evaluate", "Evaluate every task of a saved model on a labelled data file.");
        command.Options.Add(model);
        data.AddTo(command, withTasks: false);
        command.Options.Add(group);
        data.AddDomainTo(command);
        command.Options.Add(audit);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            string? trainingPath = parse.GetValue(audit) is { } trainingFile ? CliPaths.Input(trainingFile, "--privacy-audit") : null;
            var scored = ScoredData.Load(run, model, data, needLabels: true);
            string? groupColumn = parse.GetValue(group);
            if (groupColumn is not null && scored.Scored.Schema.GetColumnOrNull(groupColumn) is null)
                throw new ArgumentException($"--group-col '{groupColumn}' is not a column of '{scored.DataPath}' the model keeps ({string.Join(", ", scored.Scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
            string? domainColumn = data.DomainColumn(parse);
            if (domainColumn is not null && scored.Scored.Schema.GetColumnOrNull(domainColumn) is null)
                throw new ArgumentException($"--domain-col '{domainColumn}' is not a column of '{scored.DataPath}' the model keeps ({string.Join(", ", scored.Scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
            var ml = scored.Context;
            run.Output.Metrics(ml.MultiTask().Evaluate(scored.Scored, scored.Model));
            if (domainColumn is not null)
                run.Output.DomainMetrics(ml.MultiTask().EvaluateByDomain(scored.Scored, scored.Model.Tasks, domainColumn, groupColumn), scored.Model.Network.Domains);
            if (groupColumn is not null)
                foreach (var task in scored.Model.Tasks.Where(t => t.Kind.Evaluation == Data.EvaluationFamily.Binary))
                {
                    var gauc = ml.MultiTask().GroupAuc(scored.Scored, task, groupColumn);
                    run.Output.Line($"{task.Name}: GAUC {gauc.Value:F4} over {gauc.GroupsUsed:N0} groups ({gauc.GroupsSkipped:N0} with one class skipped).");
                }
            if (scored.Model.Privacy is { } privacy)
                run.Output.Line(CliOutput.Describe(privacy));
            if (trainingPath is not null)
            {
                var training = scored.Load(trainingPath, parse.GetValue(data.Format));
                run.Output.Audit(ml.MultiTask().PrivacyAudit(scored.Loaded, training, scored.Input));
            }
            return 0;
        }));
        return command;
    }
}

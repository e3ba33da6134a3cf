using System.CommandLine;
using System.Globalization;
using System.Text;
using MlNetMtl.Data;
using MlNetMtl.IO;

namespace MlNetMtl.Cli;

/// <summary><c>mlnet-mtl generate</c>: writes rows of the MMoE synthetic generator as a CSV file with a header.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var data = new SyntheticDataOptions();
        var rows = new Option<int>("--rows") { Description = "Rows to write.", DefaultValueFactory = _ => 1_000 };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The CSV file to write.", Required = true };
        var command = new Command("generate", "Write generated multi-task rows (features f0…, labels task1, task2) to a CSV file.");
        data.AddTo(command);
        command.Options.Add(rows);
        command.Options.Add(output);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            string path = CliPaths.Output(parse.GetValue(output)!, "--output");
            var generated = data.CreateGenerator(parse).Generate(parse.GetValue(rows), parse.GetValue(data.Seed));
            AtomicFile.Write(path, (string temporary) => Write(generated, temporary, run.Token));
            run.Output.Line($"Wrote {generated.Rows:N0} rows × {generated.Features.Dimension} features and {generated.Tasks.Count} {generated.Tasks[0].Kind.ToString().ToLowerInvariant()} labels to {path}.");
            return 0;
        }));
        return command;
    }

    private static void Write(MultiTaskDataset data, string path, CancellationToken token)
    {
        var features = (DenseFeatures)data.Features;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.WriteLine(string.Join(",", Enumerable.Range(0, features.Dimension).Select(i => $"f{i}").Concat(data.Tasks.Select(t => t.Name))));
        for (int r = 0; r < data.Rows; r++)
        {
            if ((r & 1023) == 0)
                token.ThrowIfCancellationRequested();
            var values = features.Row(r).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))
                .Concat(data.Labels.Select(l => l[r].ToString("R", CultureInfo.InvariantCulture)));
            writer.WriteLine(string.Join(",", values));
        }
    }
}

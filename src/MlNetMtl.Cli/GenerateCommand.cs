using System.CommandLine;
using System.Globalization;
using System.Text;
using MlNetMtl.Data;
using MlNetMtl.IO;

namespace MlNetMtl.Cli;

/// <summary>The generators <c>mlnet-mtl generate</c> writes.</summary>
internal enum GeneratedKind
{
    /// <summary>The MMoE paper's synthetic tasks of tunable correlation: features f0…, labels task1, task2.</summary>
    Mmoe,
    /// <summary>Impressions of titled items (user_id, item_id, title, click, like), test items all new: <see cref="Data.Synthetic.ColdStartGenerator"/>.</summary>
    ColdStart,
    /// <summary>Impressions of five scenarios of very unequal size (domain, f0…f7, click, like), each with labels of its own part: <see cref="Data.Synthetic.MultiDomainGenerator"/>.</summary>
    MultiDomain,
}

/// <summary><c>mlnet-mtl generate</c>: writes rows of a synthetic generator as a CSV file with a header.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var data = new SyntheticDataOptions();
        var rows = new Option<int>("--rows") { Description = "Rows to write.", DefaultValueFactory = _ => 1_000 };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The CSV file to write.", Required = true };
        var kind = new Option<GeneratedKind>("--generator") { Description = "Mmoe (features f0…, labels task1, task2), ColdStart (titled items; the test file's items are all new) or MultiDomain (a domain column; each domain's labels have a part of their own).", DefaultValueFactory = _ => GeneratedKind.Mmoe };
        var testOutput = new Option<FileInfo>("--test-output") { Description = "ColdStart and MultiDomain: the CSV file of the test rows — ColdStart's new items, MultiDomain's further impressions of the same domains (default: beside --output, .test.csv)." };
        var command = new Command("generate", "Write generated multi-task rows to a CSV file.");
        data.AddTo(command);
        command.Options.Add(rows);
        command.Options.Add(output);
        command.Options.Add(kind);
        command.Options.Add(testOutput);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            string path = CliPaths.Output(parse.GetValue(output)!, "--output");
            if (parse.GetValue(kind) == GeneratedKind.ColdStart)
                return WriteColdStart(run, path, parse.GetValue(testOutput), parse.GetValue(rows), parse.GetValue(data.Seed));
            if (parse.GetValue(kind) == GeneratedKind.MultiDomain)
                return WriteMultiDomain(run, path, parse.GetValue(testOutput), parse.GetValue(rows), parse.GetValue(data.Seed));
            var generated = data.CreateGenerator(parse).Generate(parse.GetValue(rows), parse.GetValue(data.Seed));
            AtomicFile.Write(path, (string temporary) => Write(generated, temporary, run.Token));
            run.Output.Line($"Wrote {generated.Rows:N0} rows × {generated.Features.Dimension} features and {generated.Tasks.Count} {generated.Tasks[0].Kind.ToString().ToLowerInvariant()} labels to {path}.");
            return 0;
        }));
        return command;
    }

    /// <summary>The test rows' file: --test-output, or beside --output when that name is free.</summary>
    private static string TestPath(string path, FileInfo? testOutput)
    {
        string testPath = testOutput is null ? Path.ChangeExtension(path, ".test.csv") : CliPaths.Output(testOutput, "--test-output");
        // A file the user named is theirs to replace; the default one beside --output is not, if it is there already.
        if (testOutput is null && File.Exists(testPath))
            throw new ArgumentException($"'{testPath}' exists, and the test rows would replace it: name their file with --test-output (that file is replaced).");
        if (Path.GetFullPath(testPath) == Path.GetFullPath(path))
            throw new ArgumentException($"--test-output '{testPath}' is --output too: give the test rows a file of their own.");
        return testPath;
    }

    private static int WriteColdStart(CommandRun run, string path, FileInfo? testOutput, int rows, int seed)
    {
        string testPath = TestPath(path, testOutput);
        var (train, test) = Data.Synthetic.ColdStartGenerator.Generate(trainRows: rows, testRows: Math.Max(1, rows / 4), seed: seed);
        foreach (var (file, impressions) in new[] { (path, train), (testPath, test) })
            AtomicFile.Write(file, (string temporary) => File.WriteAllLines(temporary,
                impressions.Select(i => $"{i.UserId},{i.ItemId},{i.Title},{(i.Click ? 1 : 0)},{(i.Like ? 1 : 0)}").Prepend("user_id,item_id,title,click,like"), new UTF8Encoding(false)));
        run.Output.Line($"Wrote {train.Count:N0} impressions of {train.Select(i => i.ItemId).Distinct().Count()} items to {path} and {test.Count:N0} of {test.Select(i => i.ItemId).Distinct().Count()} new items " +
            $"(titled with words no training title has) to {testPath}.");
        return 0;
    }

    private static int WriteMultiDomain(CommandRun run, string path, FileInfo? testOutput, int rows, int seed)
    {
        string testPath = TestPath(path, testOutput);
        // One draw, split: the test rows come from the same domains' label functions as the training rows.
        int testRows = Math.Max(1, rows / 4);
        var impressions = Data.Synthetic.MultiDomainGenerator.Generate(rows + testRows, domains: 5, seed: seed);
        string header = string.Join(",", new[] { "domain" }.Concat(Enumerable.Range(0, Data.Synthetic.MultiDomainGenerator.FeatureCount).Select(i => $"f{i}")).Concat(["click", "like"]));
        foreach (var (file, part) in new[] { (path, impressions.Take(rows)), (testPath, impressions.Skip(rows)) })
            AtomicFile.Write(file, (string temporary) => File.WriteAllLines(temporary, part.Select(i =>
                string.Join(",", new[] { i.Domain }.Concat(i.Features.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Concat([i.Click ? "1" : "0", i.Like ? "1" : "0"])))
                .Prepend(header), new UTF8Encoding(false)));
        var sizes = impressions.Take(rows).GroupBy(i => i.Domain).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}");
        run.Output.Line($"Wrote {rows:N0} impressions of 5 domains ({string.Join(", ", sizes)}) to {path} and {testRows:N0} more of the same domains to {testPath}.");
        return 0;
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

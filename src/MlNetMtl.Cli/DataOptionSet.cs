using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Datasets;

namespace MlNetMtl.Cli;

/// <summary>The file formats the commands read.</summary>
internal enum DataFormat
{
    /// <summary>A delimited file with a header; tasks from --task.</summary>
    Csv,
    /// <summary>UCI Adult; tasks income and never_married.</summary>
    Adult,
    /// <summary>Raw Census-Income (KDD); tasks income and never_married.</summary>
    CensusKdd,
    /// <summary>Ali-CCP (torch-rechub or PaddleRec sample layout); tasks click → purchase.</summary>
    AliCcp,
    /// <summary>AliExpress (torch-rechub sample layout); tasks click → conversion.</summary>
    AliExpress,
    /// <summary>KuaiRand (Scenario-Wise-Rec sample layout); tasks click and complete_play.</summary>
    KuaiRand,
}

/// <summary>--dataset, --format, --task and --ignore-cols, and how they become data.</summary>
internal sealed class DataOptionSet
{
    public Option<FileInfo> Dataset { get; } = new("--dataset", "-d") { Description = "The data file.", Required = true };
    public Option<DataFormat> Format { get; } = new("--format") { Description = "Csv (header row; tasks from --task), Adult, CensusKdd, AliCcp, AliExpress or KuaiRand.", DefaultValueFactory = _ => DataFormat.Csv };
    public Option<string[]> Tasks { get; } = new("--task") { Description = "A task as name:labelColumn:kind[:weight], kind binary, regression or multiclass (repeat for each task; Csv only).", AllowMultipleArgumentsPerToken = false };
    public Option<string> Ignore { get; } = new("--ignore-cols") { Description = "Comma-separated columns that are neither features nor labels (Csv only).", DefaultValueFactory = _ => "" };
    public Option<string[]> Roles { get; } = new("--role") { Description = "Override a column's inferred role: column=numeric|boolean|categorical|id|text|ignore (repeat; Csv only).", AllowMultipleArgumentsPerToken = false };

    public void AddTo(Command command, bool withTasks)
    {
        command.Options.Add(Dataset);
        command.Options.Add(Format);
        if (!withTasks)
            return;
        command.Options.Add(Tasks);
        command.Options.Add(Ignore);
        command.Options.Add(Roles);
    }

    /// <summary>The --role overrides.</summary>
    public IReadOnlyDictionary<string, ColumnRole> ParseRoles(ParseResult parse)
    {
        var roles = new Dictionary<string, ColumnRole>(StringComparer.Ordinal);
        foreach (string text in parse.GetValue(Roles) ?? [])
        {
            int equals = text.LastIndexOf('=');
            if (equals <= 0 || !Enum.TryParse<ColumnRole>(text[(equals + 1)..], ignoreCase: true, out var role) || role == ColumnRole.Label)
                throw new ArgumentException($"--role '{text}' must be column=numeric|boolean|categorical|id|text|ignore.");
            roles[text[..equals]] = role;
        }
        return roles;
    }

    /// <summary>The --task list.</summary>
    public TaskColumn[] ParseTasks(ParseResult parse) => (parse.GetValue(Tasks) ?? []).Select(ParseTask).ToArray();

    /// <summary>The --ignore-cols list.</summary>
    public string[] IgnoredColumns(ParseResult parse) => parse.GetValue(Ignore)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Loads a training file with its tasks and featurizer.</summary>
    public LoadedDataset LoadForTraining(MLContext ml, ParseResult parse)
    {
        string path = parse.GetValue(Dataset)!.FullName;
        var format = parse.GetValue(Format);
        var tasks = ParseTasks(parse);
        if (format != DataFormat.Csv && tasks.Length > 0)
            throw new ArgumentException($"--task applies to Csv files; the {format} loader defines its own tasks.");
        return format == DataFormat.Csv
            ? tasks.Length == 0
                ? throw new ArgumentException("Give at least one --task name:labelColumn:kind for a Csv file.")
                : CsvDataset.Load(ml, path, tasks, IgnoredColumns(parse), ParseRoles(parse))
            : LoadFormat(ml, format, path);
    }

    /// <summary>Reads a file of one of the named formats (not Csv).</summary>
    public static LoadedDataset LoadFormat(MLContext ml, DataFormat format, string path) => format switch
    {
        DataFormat.Adult => AdultDataset.Load(ml, path),
        DataFormat.CensusKdd => CensusKddDataset.Load(ml, path),
        DataFormat.AliCcp => AliCcpDataset.Load(ml, path),
        DataFormat.AliExpress => AliExpressDataset.Load(ml, path),
        DataFormat.KuaiRand => KuaiRandDataset.Load(ml, path),
        _ => throw new ArgumentException($"{format} files need tasks: use LoadForTraining."),
    };

    /// <summary>Loads --dataset to score with a trained model whose input schema is <paramref name="inputSchema"/>.</summary>
    public IDataView LoadForModel(MLContext ml, ParseResult parse, DataViewSchema inputSchema) =>
        LoadForModel(ml, parse.GetValue(Format), parse.GetValue(Dataset)!.FullName, inputSchema);

    /// <summary>Loads a file in <paramref name="format"/> to score with a model whose input schema is <paramref name="inputSchema"/>.</summary>
    public static IDataView LoadForModel(MLContext ml, DataFormat format, string path, DataViewSchema inputSchema)
    {
        return format == DataFormat.Csv ? CsvDataset.LoadForSchema(ml, path, inputSchema) : LoadFormat(ml, format, path).Data;
    }

    internal static TaskColumn ParseTask(string text)
    {
        var parts = text.Split(':');
        if (parts.Length is < 3 or > 4)
            throw new ArgumentException($"--task '{text}' must be name:labelColumn:kind[:weight].");
        var kind = parts[2].ToLowerInvariant() switch
        {
            "binary" => TaskKind.Binary,
            "regression" => TaskKind.Regression,
            "multiclass" => TaskKind.Multiclass,
            _ => throw new ArgumentException($"--task '{text}': kind '{parts[2]}' is not binary, regression or multiclass."),
        };
        float weight = 1f;
        if (parts.Length == 4 && !float.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
            throw new ArgumentException($"--task '{text}': weight '{parts[3]}' is not a number.");
        return new TaskColumn(parts[0], parts[1], kind, weight);
    }
}

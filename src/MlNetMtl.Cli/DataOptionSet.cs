using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;

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
    /// <summary>KuaiRand: an official log joined with the user and video tables beside it, or the Scenario-Wise-Rec sample; tasks by name (--task like).</summary>
    KuaiRand,
}

/// <summary>--dataset, --format, --task, --ignore-cols, --role and --missing-labels, and how they become data.</summary>
internal sealed class DataOptionSet
{
    public Option<FileInfo> Dataset { get; } = new("--dataset", "-d")
    {
        Description = "The data: a delimited text file with a header row, a Parquet file (.parquet), or a folder of shards read as one table (its .parquet files, else its .csv, .tsv and .txt files).",
        Required = true,
    };
    public Option<DataFormat> Format { get; } = new("--format") { Description = "Csv (header row; tasks from --task), Adult, CensusKdd, AliCcp, AliExpress or KuaiRand.", DefaultValueFactory = _ => DataFormat.Csv };
    public Option<string[]> Tasks { get; } = new("--task")
    {
        Description = "A task as name:labelColumn:kind[:weight][:positive=VALUE], kind binary, regression or multiclass; a binary label of two text values that are " +
                      "not true/false, yes/no, 1/0 … names its positive value, e.g. income:income:binary:positive=>50K (repeat for each task). With --format KuaiRand, a task's name: " +
                      string.Join(", ", KuaiRandDataset.AllTasks.Select(t => t.Name)) + " (default click, long_view, like for a log).",
        AllowMultipleArgumentsPerToken = false,
    };
    public Option<string> Ignore { get; } = new("--ignore-cols") { Description = "Comma-separated columns that are neither features nor labels (Csv only).", DefaultValueFactory = _ => "" };
    public Option<string[]> Roles { get; } = new("--role") { Description = $"Override a column's inferred role: column={RoleNames} (repeat; Csv only).", AllowMultipleArgumentsPerToken = false };
    public Option<MissingLabelPolicy> MissingLabels { get; } = new("--missing-labels")
    {
        Description = "Rows whose label is missing (empty, ?, NA, NaN): Error (stop and say where) or Mask (leave them out of that task's loss and metrics).",
        DefaultValueFactory = _ => MissingLabelPolicy.Error,
    };

    public Option<int> TextFeatures { get; } = new("--text-features")
    {
        Description = "Most feature slots of all free-text columns together (the most frequent word and character n-grams; Csv only).",
        DefaultValueFactory = _ => new FeatureSpec().TextFeatures,
    };
    public Option<TextEncoding> TextEncoder { get; } = new("--text-encoder")
    {
        Description = "Free-text columns as MiniLm (a pretrained sentence encoder's vectors: meaning, and new items scored from their text), NGrams (word and character " +
                      "n-grams, --text-features of them) or None (unused); Csv only. Not given, experiment tries MiniLm and NGrams and keeps the better.",
        DefaultValueFactory = _ => FeatureSpec.DefaultTextEncoder,
    };
    public Option<string> Domain { get; } = new("--domain-col")
    {
        Description = "A column of scenarios (app tab, country, surface): training one-hot encodes it and conditions the scenario-aware architecture (STAR) and the gates of MMoE, OMoE and PLE on it " +
            "(rows of a domain unseen in training are scored by the shared part); every test metric is also reported per domain.",
    };
    public Option<int?> HashBits { get; } = new("--hash-bits") { Description = "Bits of the hashed id space, 1 to 30 (default: from the row count, 10 to 18; Csv only)." };

    /// <summary>Whether <see cref="AddDomainTo"/> put --domain-col on the command.</summary>
    private bool _withDomain;

    /// <summary>The roles a user can set, lower case and bar-separated (every role but Label).</summary>
    private static string RoleNames => string.Join("|", Enum.GetNames<ColumnRole>().Where(n => n != nameof(ColumnRole.Label)).Select(n => n.ToLowerInvariant()));

    public void AddTo(Command command, bool withTasks)
    {
        command.Options.Add(Dataset);
        command.Options.Add(Format);
        if (!withTasks)
            return;
        command.Options.Add(Tasks);
        command.Options.Add(Ignore);
        command.Options.Add(Roles);
        command.Options.Add(MissingLabels);
        command.Options.Add(TextFeatures);
        command.Options.Add(TextEncoder);
        command.Options.Add(HashBits);
    }

    /// <summary>Adds --domain-col, for the commands that train on or report by a domain column.</summary>
    public void AddDomainTo(Command command)
    {
        command.Options.Add(Domain);
        _withDomain = true;
    }

    /// <summary>The --domain-col column, or null.</summary>
    public string? DomainColumn(ParseResult parse) => _withDomain && parse.GetValue(Domain) is { } column
        ? column.Trim().Length > 0 ? column.Trim() : throw new ArgumentException("--domain-col needs a column name.")
        : null;

    /// <summary>The featurization of an inferred file, with --text-features, --text-encoder and --hash-bits.</summary>
    public FeatureSpec Features(ParseResult parse, InferredSchema schema)
    {
        if (parse.GetValue(TextFeatures) < FeatureSpec.MinTextFeaturesPerColumn)
            throw new ArgumentException($"--text-features must be at least {FeatureSpec.MinTextFeaturesPerColumn}.");
        if (parse.GetValue(HashBits) is < 1 or > 30)
            throw new ArgumentException("--hash-bits must be between 1 and 30.");
        var spec = schema.Features(schema.Rows);
        return spec with { TextFeatures = parse.GetValue(TextFeatures), TextEncoder = parse.GetValue(TextEncoder), HashBits = parse.GetValue(HashBits) ?? spec.HashBits };
    }

    /// <summary>The --role overrides; the --domain-col column is categorical (one-hot, a slot per domain).</summary>
    public IReadOnlyDictionary<string, ColumnRole> ParseRoles(ParseResult parse)
    {
        var roles = new Dictionary<string, ColumnRole>(StringComparer.Ordinal);
        foreach (string text in parse.GetValue(Roles) ?? [])
        {
            int equals = text.LastIndexOf('=');
            if (equals <= 0 || !Enum.TryParse<ColumnRole>(text[(equals + 1)..], ignoreCase: true, out var role) || role == ColumnRole.Label)
                throw new ArgumentException($"--role '{text}' must be column={RoleNames}.");
            roles[text[..equals]] = role;
        }
        if (DomainColumn(parse) is { } domain)
        {
            if (roles.TryGetValue(domain, out var given) && given != ColumnRole.Categorical)
                throw new ArgumentException($"--domain-col '{domain}' is given --role {domain}={given.ToString().ToLowerInvariant()}; a domain column is categorical (one slot per domain).");
            if (IgnoredColumns(parse).Contains(domain, StringComparer.Ordinal))
                throw new ArgumentException($"--domain-col '{domain}' is in --ignore-cols too; a domain column is read (one-hot, a slot per domain).");
            if (ParseTasks(parse).FirstOrDefault(t => t.LabelColumnName == domain) is { } task)
                throw new ArgumentException($"--domain-col '{domain}' is the label column of task '{task.Name}'; a domain column is an input (the scenario a row was shown in).");
            roles[domain] = ColumnRole.Categorical;
        }
        return roles;
    }

    /// <summary>The --task list, with --missing-labels.</summary>
    public TaskColumn[] ParseTasks(ParseResult parse)
    {
        var policy = parse.GetValue(MissingLabels);
        var texts = parse.GetValue(Tasks) ?? [];
        var tasks = parse.GetValue(Format) == DataFormat.KuaiRand ? texts.Select(KuaiRandDataset.Task).ToArray() : texts.Select(text => ParseTask(text, policy)).ToArray();
        var twice = tasks.GroupBy(t => t.LabelColumnName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new ArgumentException($"--task: {string.Join(" and ", twice.Select(t => $"'{t.Name}'"))} both learn from column '{twice.Key}'; give each task its own label column.");
        return tasks;
    }

    /// <summary>The --ignore-cols list.</summary>
    public string[] IgnoredColumns(ParseResult parse) => parse.GetValue(Ignore)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The --dataset path, checked to exist and be readable.</summary>
    public string DatasetPath(ParseResult parse) => CliPaths.Data(parse.GetValue(Dataset)!, "--dataset");

    /// <summary>Loads a training file with its tasks and featurizer; a Csv file's roles are inferred from all its rows.</summary>
    public LoadedDataset LoadForTraining(MLContext ml, ParseResult parse) => LoadForTraining(ml, parse, out _);

    /// <summary>
    /// As <see cref="LoadForTraining(MLContext, ParseResult)"/>, also giving a Csv file's inferred columns (null for other
    /// formats), which <paramref name="inferredRoles"/> sees before the file is loaded (so they are shown even when loading fails).
    /// </summary>
    public LoadedDataset LoadForTraining(MLContext ml, ParseResult parse, out InferredSchema? inferred, Action<InferredSchema>? inferredRoles = null)
    {
        string path = DatasetPath(parse);
        var format = parse.GetValue(Format);
        var tasks = ParseTasks(parse);
        inferred = null;
        if (format != DataFormat.Csv)
            return LoadFormat(ml, format, path, tasks);
        if (tasks.Length == 0)
            throw new ArgumentException("Give at least one --task name:labelColumn:kind for a Csv file.");
        inferred = ColumnInference.Infer(path, tasks.Select(t => t.LabelColumnName), IgnoredColumns(parse), ParseRoles(parse));
        inferredRoles?.Invoke(inferred);
        return CsvDataset.Load(ml, inferred, tasks, Features(parse, inferred));
    }

    /// <summary>Reads a file of one of the named formats (not Csv); only KuaiRand's tasks are chosen (<paramref name="tasks"/>, none: its defaults).</summary>
    public static LoadedDataset LoadFormat(MLContext ml, DataFormat format, string path, IReadOnlyList<TaskColumn>? tasks = null) => format switch
    {
        _ when tasks is { Count: > 0 } && format != DataFormat.KuaiRand =>
            throw new ArgumentException($"--task applies to Csv and KuaiRand files; the {format} loader defines its own tasks ({string.Join(", ", LoadFormat(ml, format, path).Tasks.Select(t => t.Name))})."),
        DataFormat.Adult => AdultDataset.Load(ml, path),
        DataFormat.CensusKdd => CensusKddDataset.Load(ml, path),
        DataFormat.AliCcp => AliCcpDataset.Load(ml, path),
        DataFormat.AliExpress => AliExpressDataset.Load(ml, path),
        DataFormat.KuaiRand => KuaiRandDataset.Load(ml, path, tasks?.Select(t => t.Name).ToArray()),
        _ => throw new ArgumentException($"{format} files need tasks: use LoadForTraining."),
    };

    /// <summary>Loads --dataset to score with a trained model whose input schema is <paramref name="inputSchema"/>.</summary>
    public IDataView LoadForModel(MLContext ml, ParseResult parse, DataViewSchema inputSchema) =>
        LoadForModel(ml, parse.GetValue(Format), DatasetPath(parse), inputSchema);

    /// <summary>Loads a file in <paramref name="format"/> to score with a model whose input schema is <paramref name="inputSchema"/>.</summary>
    public static IDataView LoadForModel(MLContext ml, DataFormat format, string path, DataViewSchema inputSchema) =>
        format == DataFormat.Csv ? CsvDataset.LoadForSchema(ml, path, inputSchema) : LoadFormat(ml, format, path).Data;

    /// <summary>Parses name:labelColumn:kind[:weight][:positive=VALUE] (VALUE runs to the end, colons included).</summary>
    internal static TaskColumn ParseTask(string text, MissingLabelPolicy missingLabels = MissingLabelPolicy.Error)
    {
        const string form = "name:labelColumn:kind[:weight][:positive=VALUE]";
        string? positive = null;
        string head = text;
        int positiveAt = text.IndexOf(":positive=", StringComparison.OrdinalIgnoreCase);
        if (positiveAt >= 0)
        {
            positive = text[(positiveAt + ":positive=".Length)..];
            head = text[..positiveAt];
        }
        var parts = head.Split(':');
        if (parts.Length is < 3 or > 4 || parts.Take(3).Any(p => p.Trim().Length == 0))
            throw new ArgumentException($"--task '{text}' must be {form}.");
        var kind = TaskKind.All.FirstOrDefault(k => k.Name.Equals(parts[2].Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--task '{text}': kind '{parts[2]}' is not {TaskKind.Names}.");
        float weight = 1f;
        if (parts.Length == 4 && !float.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
            throw new ArgumentException($"--task '{text}': '{parts[3]}' is neither a weight nor positive=VALUE ({form}).");
        if (positive is not null && kind != TaskKind.Binary)
            throw new ArgumentException($"--task '{text}': positive= names the positive value of a binary task; this task is {kind.Name.ToLowerInvariant()}.");
        if (positive is { Length: 0 })
            throw new ArgumentException($"--task '{text}': positive= needs the value of the positive rows, e.g. positive=yes.");
        return new TaskColumn(parts[0].Trim(), parts[1].Trim(), kind, weight, missingLabels, positiveValue: positive);
    }
}

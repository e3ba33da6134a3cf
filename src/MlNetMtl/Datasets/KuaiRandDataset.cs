using Microsoft.ML;
using MlNetMtl.Datasets.Csv;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets;

/// <summary>
/// KuaiRand (Kuaishou short videos, Gao et al., CIKM 2022) in either of two layouts, as a comma-separated file, a Parquet
/// file, or a folder of shards of either (e.g. a log split by day):
/// <list type="bullet">
/// <item>the official exposure log (<c>log_standard_*.csv</c> of KuaiRand-Pure, -1K or -27K: user_id, video_id, date,
/// hourmin, time_ms, the outcome columns, tab), joined on user_id and video_id with the user and video tables found
/// beside it (<c>user_features*.csv</c>, <c>video_features_basic*.csv</c>); default tasks click, long_view and like;</item>
/// <item>the Scenario-Wise-Rec sample, whose rows already hold label-encoded user and video fields; default tasks click and complete_play.</item>
/// </list>
/// Tasks are chosen by name from <see cref="AllTasks"/>. Outcome columns (every is_* and long_view, play, profile and
/// comment stay times) are never features, whichever tasks are chosen; date and time_ms are kept for time splits but are
/// not features either.
/// </summary>
public static class KuaiRandDataset
{
    /// <summary>Task "click", label column <c>is_click</c>.</summary>
    public static readonly TaskColumn Click = new("click", "is_click");
    /// <summary>Task "long_view", label column <c>long_view</c>.</summary>
    public static readonly TaskColumn LongView = new("long_view", "long_view");
    /// <summary>Task "like", label column <c>is_like</c>.</summary>
    public static readonly TaskColumn Like = new("like", "is_like");
    /// <summary>Task "follow", label column <c>is_follow</c>.</summary>
    public static readonly TaskColumn Follow = new("follow", "is_follow");
    /// <summary>Task "comment", label column <c>is_comment</c>.</summary>
    public static readonly TaskColumn Comment = new("comment", "is_comment");
    /// <summary>Task "forward", label column <c>is_forward</c>.</summary>
    public static readonly TaskColumn Forward = new("forward", "is_forward");
    /// <summary>Task "hate", label column <c>is_hate</c>.</summary>
    public static readonly TaskColumn Hate = new("hate", "is_hate");
    /// <summary>Task "profile_enter", label column <c>is_profile_enter</c>.</summary>
    public static readonly TaskColumn ProfileEnter = new("profile_enter", "is_profile_enter");
    /// <summary>Task "complete_play": the video played to its end (play_time_ms ≥ duration_ms), label column <c>CompletePlay</c>.</summary>
    public static readonly TaskColumn CompletePlay = new("complete_play", "CompletePlay");

    /// <summary>Every task a KuaiRand file can give, by name.</summary>
    public static IReadOnlyList<TaskColumn> AllTasks { get; } = [Click, LongView, Like, Follow, Comment, Forward, Hate, ProfileEnter, CompletePlay];

    private static readonly HashSet<string> Numeric = ["follow_user_num", "fans_user_num", "friend_user_num", "register_days", "duration_ms", "video_duration", "server_width", "server_height"];
    private static readonly HashSet<string> Outcomes = ["play_time_ms", "profile_stay_time", "comment_stay_time", "is_click", "is_like", "is_follow", "is_comment",
        "is_forward", "is_hate", "long_view", "is_profile_enter"];
    private static readonly HashSet<string> LogCategorical = ["hourmin", "tab"];
    private static readonly HashSet<string> NotFeatures = ["date", "time_ms", "is_rand", "upload_dt"];
    private static readonly HashSet<string> MultiValued = ["tag"];

    /// <summary>Reads a KuaiRand file; <paramref name="taskNames"/> chooses the tasks from <see cref="AllTasks"/> (null or empty: the layout's defaults).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist, or a log's user or video table is not beside it.</exception>
    /// <exception cref="InvalidDataException">The header lacks user_id, video_id, play_time_ms or duration_ms, or a chosen task's label column; a side table is malformed.</exception>
    /// <exception cref="ArgumentException">A task name is not one of <see cref="AllTasks"/>, or is given twice.</exception>
    public static LoadedDataset Load(MLContext ml, string path, IReadOnlyList<string>? taskNames = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var header = RecommenderCsv.Header(path).ToHashSet(StringComparer.Ordinal);
        bool log = header.Contains("time_ms") && !header.Contains("user_active_degree");
        var tasks = Tasks(taskNames, log ? [Click, LongView, Like] : [Click, CompletePlay]);
        var missing = tasks.Where(t => t != CompletePlay && !header.Contains(t.LabelColumnName)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"'{path}' has no column {string.Join(", ", missing.Select(t => t.LabelColumnName))} for task(s) {string.Join(", ", missing.Select(t => t.Name))}.");

        var (raw, ids, numeric, rows) = RecommenderCsv.Load(ml, path, "KuaiRand", ["user_id", "video_id", "play_time_ms", "duration_ms"], name => name switch
        {
            _ when Outcomes.Contains(name) => RecommenderCsv.Role.Label, // read as numbers, for the tasks; never features
            _ when name is "date" or "time_ms" => RecommenderCsv.Role.Timestamp,
            _ when NotFeatures.Contains(name) => RecommenderCsv.Role.Ignore,
            _ when Numeric.Contains(name) => RecommenderCsv.Role.Numeric,
            _ => RecommenderCsv.Role.Id,
        });
        var spec = new FeatureSpec
        {
            Ids = ids.Where(c => !LogCategorical.Contains(c)).ToArray(),
            Categorical = ids.Where(LogCategorical.Contains).ToArray(),
            Numeric = numeric, // counts and durations are heavy-tailed: their quantile bins (FeatureSpec's default) carry what standardizing flattens
        };
        if (log)
            (raw, spec) = JoinSideTables(raw, spec, path);
        spec = spec with { HashBits = Featurization.HashBitsFor(rows * Math.Max(1, spec.Ids.Count)) };
        var label = ml.Transforms.Expression(CompletePlay.LabelColumnName, "(play, duration) => play >= duration ? 1f : 0f", "play_time_ms", "duration_ms");
        return new LoadedDataset(ml, label.Fit(raw).Transform(raw), tasks, spec, weightColumnName: null);
    }

    /// <summary>The task of <see cref="AllTasks"/> named <paramref name="name"/> (any case).</summary>
    /// <exception cref="ArgumentException">No task has that name (the message lists them).</exception>
    public static TaskColumn Task(string name) =>
        AllTasks.FirstOrDefault(t => t.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"'{name}' is not a KuaiRand task; choose from {string.Join(", ", AllTasks.Select(t => t.Name))}.", nameof(name));

    /// <summary>The tasks of <paramref name="names"/>, or <paramref name="defaults"/> when none are named.</summary>
    private static TaskColumn[] Tasks(IReadOnlyList<string>? names, TaskColumn[] defaults)
    {
        if (names is not { Count: > 0 })
            return defaults;
        var tasks = names.Select(Task).ToArray();
        var twice = tasks.GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? tasks : throw new ArgumentException($"KuaiRand task '{twice.Key.Name}' is named twice.", nameof(names));
    }

    /// <summary>
    /// The log joined with the user and video tables beside it, and the features those add: a text column with more distinct
    /// values than CSV inference's <see cref="ColumnInference.MaxCategories"/> is hashed as an id, one with fewer one-hot encoded.
    /// </summary>
    private static (IDataView Data, FeatureSpec Spec) JoinSideTables(IDataView log, FeatureSpec spec, string path)
    {
        // Beside the log: in its file's folder; for a folder of shards, in that folder or the one that holds it.
        string full = Path.GetFullPath(path);
        string[] folders = Directory.Exists(full) ? [full, Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar)) ?? full] : [Path.GetDirectoryName(full)!];
        var users = SideTable.Read(Beside(folders, "user_features*.csv", "user"), "user_id", Kind);
        var videos = SideTable.Read(Beside(folders, "video_features_basic*.csv", "video"), "video_id", Kind);
        var joined = new JoinedDataView(new JoinedDataView(log, users), videos);
        var text = new[] { users, videos }.SelectMany(t => t.Columns.Where(c => c.Kind == CsvColumnKind.Text).Select(c => (Name: c.Name, Distinct: t.DistinctValues(c.Index)))).ToArray();
        return (joined, spec with
        {
            Numeric = [.. spec.Numeric, .. users.Columns.Concat(videos.Columns).Where(c => c.Kind == CsvColumnKind.Single).Select(c => c.Name)],
            Bags = text.Where(c => MultiValued.Contains(c.Name)).Select(c => c.Name).ToArray(),
            Ids = [.. spec.Ids, .. text.Where(c => !MultiValued.Contains(c.Name) && c.Distinct > ColumnInference.MaxCategories).Select(c => c.Name)],
            Categorical = [.. spec.Categorical, .. text.Where(c => !MultiValued.Contains(c.Name) && c.Distinct <= ColumnInference.MaxCategories).Select(c => c.Name)],
        });
    }

    /// <summary>How a side table's column is read: numbers for counts and sizes, text for the rest; the upload date is not read.</summary>
    private static CsvColumnKind? Kind(string name) => NotFeatures.Contains(name) ? null : Numeric.Contains(name) ? CsvColumnKind.Single : CsvColumnKind.Text;

    /// <summary>The one file matching <paramref name="pattern"/> in the first of the log's <paramref name="folders"/> that has one.</summary>
    private static string Beside(string[] folders, string pattern, string table)
    {
        foreach (string folder in folders)
        {
            var files = Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 1)
                return files[0];
            if (files.Length > 1)
                throw new InvalidDataException($"'{folder}' has {files.Length} {table} tables ({string.Join(", ", files.Select(Path.GetFileName))}); keep the one of this log's release.");
        }
        throw new FileNotFoundException($"A KuaiRand log is joined with its {table} table, a file '{pattern}' beside it; {string.Join(" and ", folders.Select(f => $"'{f}'"))} " +
            $"{(folders.Length == 1 ? "has" : "have")} none. Put the {table} table of the same KuaiRand release there.");
    }
}

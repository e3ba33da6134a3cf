using Microsoft.ML;
using MlNetMtl.MLNet;

namespace MlNetMtl.Datasets;

/// <summary>
/// KuaiRand (Kuaishou short videos) in the sample layout of Scenario-Wise-Rec: a header row, <c>user_id</c>,
/// <c>video_id</c> and label-encoded user/video fields (hashed as ids), counts and sizes (numeric), <c>is_click</c>,
/// and the watch signals. Tasks: "click" (is_click) and "complete_play" (play_time_ms ≥ duration_ms). The watch
/// signals (play, profile and comment stay times) describe the outcome, so they are not features.
/// </summary>
public static class KuaiRandDataset
{
    /// <summary>Task "click", label column <c>is_click</c>.</summary>
    public static readonly TaskColumn Click = new("click", "is_click");
    /// <summary>Task "complete_play": the video played to its end, label column <c>CompletePlay</c>.</summary>
    public static readonly TaskColumn CompletePlay = new("complete_play", "CompletePlay");

    private static readonly HashSet<string> Numeric = ["follow_user_num", "fans_user_num", "friend_user_num", "register_days", "duration_ms", "server_width", "server_height"];
    private static readonly HashSet<string> Outcomes = ["play_time_ms", "profile_stay_time", "comment_stay_time"];

    /// <summary>Reads the KuaiRand sample.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header lacks is_click, play_time_ms or duration_ms.</exception>
    public static LoadedDataset Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var (raw, ids, numeric, rows) = RecommenderCsv.Load(ml, path, "KuaiRand", ["user_id", "video_id", "is_click", "play_time_ms", "duration_ms"], name => name switch
        {
            "is_click" => RecommenderCsv.Role.Label,
            _ when Outcomes.Contains(name) => RecommenderCsv.Role.Numeric, // read, for the complete-play label; not a feature
            _ when Numeric.Contains(name) => RecommenderCsv.Role.Numeric,
            _ => RecommenderCsv.Role.Id,
        });
        var label = ml.Transforms.Expression(CompletePlay.LabelColumnName, "(play, duration) => play >= duration ? 1f : 0f", "play_time_ms", "duration_ms");
        var data = label.Fit(raw).Transform(raw);
        return new LoadedDataset(ml, data, [Click, CompletePlay], new FeatureSpec
        {
            Ids = ids, Numeric = numeric.Where(n => !Outcomes.Contains(n)).ToArray(), BinNumeric = false, HashBits = Featurization.HashBitsFor(rows * ids.Length),
        }, weightColumnName: null);
    }
}

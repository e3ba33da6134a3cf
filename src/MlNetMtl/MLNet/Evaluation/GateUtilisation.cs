using System.Globalization;
using System.Text;

namespace MlNetMtl.Evaluation;

/// <summary>How much each task relies on each expert of a mixture-of-experts model: mean gate weight over a data set.</summary>
/// <param name="Tasks">Task names (rows).</param>
/// <param name="MeanWeights">MeanWeights[task][expert]; each row sums to 1.</param>
public sealed record GateUtilisation(IReadOnlyList<string> Tasks, IReadOnlyList<double[]> MeanWeights)
{
    /// <summary>The weights as a text table, one row per task, one column per expert.</summary>
    public string ToTable()
    {
        int experts = MeanWeights.Count == 0 ? 0 : MeanWeights[0].Length;
        int nameWidth = Math.Max(4, Tasks.Max(t => t.Length));
        var text = new StringBuilder();
        text.AppendLine("Task".PadRight(nameWidth) + string.Concat(Enumerable.Range(0, experts).Select(e => $"  {"E" + e,6}")));
        for (int t = 0; t < Tasks.Count; t++)
            text.AppendLine(Tasks[t].PadRight(nameWidth) + string.Concat(MeanWeights[t].Select(w => "  " + w.ToString("F3", CultureInfo.InvariantCulture).PadLeft(6))));
        return text.ToString();
    }
}

using System.Globalization;
using System.Text;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>How much each task relies on each expert of a mixture-of-experts model: mean gate weight over a data set.</summary>
/// <param name="Tasks">Task names (rows).</param>
/// <param name="Experts">Expert names (columns).</param>
/// <param name="MeanWeights">MeanWeights[task][expert]; each row sums to 1 (0 for an expert a task's gate does not mix).</param>
public sealed record GateUtilisation(IReadOnlyList<string> Tasks, IReadOnlyList<string> Experts, IReadOnlyList<double[]> MeanWeights)
{
    /// <summary>The weights as a text table, one row per task, one column per expert.</summary>
    public string ToTable()
    {
        int nameWidth = Math.Max(4, Tasks.Max(t => t.Length));
        var widths = Experts.Select(e => Math.Max(6, e.Length)).ToArray();
        var text = new StringBuilder();
        text.AppendLine("Task".PadRight(nameWidth) + string.Concat(Experts.Select((e, i) => "  " + e.PadLeft(widths[i]))));
        for (int t = 0; t < Tasks.Count; t++)
            text.AppendLine(Tasks[t].PadRight(nameWidth) + string.Concat(MeanWeights[t].Select((w, i) => "  " + w.ToString("F3", CultureInfo.InvariantCulture).PadLeft(widths[i]))));
        return text.ToString();
    }
}

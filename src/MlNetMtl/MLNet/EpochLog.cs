using System.Globalization;
using Microsoft.ML.Runtime;
using MlNetMtl.Training;

namespace MlNetMtl.MLNet;

/// <summary>Writes each epoch's report to an ML.NET channel (so it reaches <c>MLContext.Log</c>), then passes it on to the user's progress.</summary>
internal sealed class EpochLog(IChannel channel, IReadOnlyList<TaskColumn> tasks, IProgress<EpochReport>? next) : IProgress<EpochReport>
{
    public void Report(EpochReport report)
    {
        channel.Info(MessageSensitivity.None, Describe(report, tasks));
        next?.Report(report);
    }

    /// <summary>"epoch 3: training loss click 0.4123, watch 1.0311; validation loss …; 1.52 s".</summary>
    public static string Describe(EpochReport report, IReadOnlyList<TaskColumn> tasks)
    {
        string Losses(IReadOnlyList<double> losses) => string.Join(", ", losses.Select((l, t) => string.Create(CultureInfo.InvariantCulture, $"{tasks[t].Name} {l:F4}")));
        string validation = report.ValidationLoss.Count > 0 ? $"; validation loss {Losses(report.ValidationLoss)}" : "";
        string privacy = report.Privacy is { } spent ? string.Create(CultureInfo.InvariantCulture, $"; ε = {spent.Epsilon:F2} (δ = {spent.Delta:G2})") : "";
        return string.Create(CultureInfo.InvariantCulture, $"epoch {report.Epoch}: training loss {Losses(report.TrainingLoss)}{validation}{privacy}; {report.Elapsed.TotalSeconds:F2} s");
    }
}

using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>
/// The names of the columns a multi-task transformer appends for each task <c>T</c>: <c>T.Suffix</c> for each of its kind's
/// <see cref="TaskKind.Outputs"/> — a binary task's <c>T.Score</c> (Single, the logit), <c>T.Probability</c> (σ(score)) and
/// <c>T.PredictedLabel</c> (Boolean, score &gt; 0); a regression task's <c>T.Score</c> (the value); a multiclass task's
/// <c>T.Score</c> (the k class probabilities) and <c>T.PredictedLabel</c> (a k-value key, the most likely class). These
/// are the arguments ML.NET's evaluators take: <c>BinaryClassification.Evaluate(data, label, "T.Score", "T.Probability", "T.PredictedLabel")</c>.
/// </summary>
public static class OutputColumnNames
{
    /// <summary><c>task.Score</c>.</summary>
    public static string Score(string task) => task + ".Score";
    /// <summary><c>task.Probability</c> (binary tasks).</summary>
    public static string Probability(string task) => task + ".Probability";
    /// <summary><c>task.PredictedLabel</c> (binary and multiclass tasks).</summary>
    public static string PredictedLabel(string task) => task + ".PredictedLabel";

    /// <summary><c>task.name</c>: an architecture's auxiliary output of the task (ESMM's <c>ctcvr.ConversionProbability</c>, the pCVR).</summary>
    public static string Auxiliary(string task, string name) => task + "." + name;

    /// <summary>The column of a task's output.</summary>
    public static string Of(string task, TaskOutput output) => task + "." + output.Suffix;

    /// <summary>The column of the task's output that holds <paramref name="value"/>.</summary>
    public static string Of(string task, TaskKind kind, TaskOutputValue value) => Of(task, kind.Output(value));

    /// <summary>Every output column name of a task, in schema order.</summary>
    public static IEnumerable<string> For(string task, TaskKind kind) => kind.Outputs.Select(output => Of(task, output));
}

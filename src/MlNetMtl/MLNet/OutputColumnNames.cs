using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>
/// The names of the columns a multi-task transformer appends for each task <c>T</c>:
/// <c>T.Score</c> (Single: the logit of a binary task, the value of a regression task), and for binary tasks
/// <c>T.Probability</c> (Single, σ(score)) and <c>T.PredictedLabel</c> (Boolean, score &gt; 0). A multiclass task gets
/// <c>T.Score</c> as a vector of the k class probabilities and <c>T.PredictedLabel</c> as a k-value key (the most
/// likely class). These are the
/// arguments ML.NET's evaluators take: <c>BinaryClassification.Evaluate(data, label, "T.Score", "T.Probability", "T.PredictedLabel")</c>.
/// </summary>
public static class OutputColumnNames
{
    /// <summary><c>task.Score</c>.</summary>
    public static string Score(string task) => task + ".Score";
    /// <summary><c>task.Probability</c> (binary tasks).</summary>
    public static string Probability(string task) => task + ".Probability";
    /// <summary><c>task.PredictedLabel</c> (binary tasks).</summary>
    public static string PredictedLabel(string task) => task + ".PredictedLabel";

    /// <summary><c>task.name</c>: an architecture's auxiliary output of the task (ESMM's <c>ctcvr.ConversionProbability</c>, the pCVR).</summary>
    public static string Auxiliary(string task, string name) => task + "." + name;

    /// <summary>Every output column name of a task, in schema order.</summary>
    public static IEnumerable<string> For(string task, TaskKind kind) =>
        kind switch
        {
            TaskKind.Binary => [Score(task), Probability(task), PredictedLabel(task)],
            TaskKind.Multiclass => [Score(task), PredictedLabel(task)],
            _ => [Score(task)],
        };
}

using System.Globalization;

namespace MlNetMtl.Cli;

/// <summary>How <c>predict</c> writes a prediction's CSV headers and cells, whichever engine (ML.NET or ONNX Runtime) scored it.</summary>
internal static class PredictionCells
{
    /// <summary>A decision (a binary task's predicted label).</summary>
    public static string Flag(bool value) => value ? "true" : "false";

    /// <summary>A score or probability, round-trippable.</summary>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Several scores (a multiclass task's), comma-separated.</summary>
    public static string Numbers(IEnumerable<float> values) => string.Join(",", values.Select(Number));

    /// <summary>The predicted class of key <paramref name="key"/>: its name, or its 0-based index when the classes are unnamed (labels given as indices); empty for no class.</summary>
    public static string PredictedClass(uint key, IReadOnlyList<string>? names) =>
        key == 0 ? "" : names is null ? (key - 1).ToString(CultureInfo.InvariantCulture) : Quote(names[(int)key - 1]);

    /// <summary>The headers of a vector column of <paramref name="size"/> classes: <c>column.class</c> (or <c>column.index</c>).</summary>
    public static string[] ClassHeaders(string column, int size, IReadOnlyList<string>? names) =>
        [.. Enumerable.Range(0, size).Select(c => $"{column}.{names?[c] ?? c.ToString(CultureInfo.InvariantCulture)}")];

    /// <summary>A CSV field: quoted when it holds a separator, a quote or a line break.</summary>
    public static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}

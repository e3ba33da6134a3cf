using System.Globalization;

namespace MlNetMtl.Data;

/// <summary>
/// How a cell of text is read, the same way everywhere — column inference, CSV loading, label reading: which cells are
/// missing, which are numbers (invariant culture, surrounding spaces allowed, <c>inf</c>/<c>Infinity</c> included) and
/// which are boolean words.
/// </summary>
public static class TextValues
{
    private static readonly string[] MissingTokens = ["", "?", "NA", "N/A", "#N/A", "null", "NULL", "NaN", "nan"];
    private static readonly string[] TrueWords = ["true", "yes", "y", "t", "1"];
    private static readonly string[] FalseWords = ["false", "no", "n", "f", "0"];
    private static readonly string[] InfinityWords = ["inf", "+inf", "infinity", "+infinity", "∞"];

    /// <summary>The cells read as a missing value (after trimming spaces): empty, <c>?</c>, <c>NA</c>, <c>N/A</c>, <c>#N/A</c>, <c>null</c>, <c>NaN</c>.</summary>
    public static IReadOnlyList<string> Missing => MissingTokens;

    /// <summary>Whether <paramref name="cell"/> (trimmed) means "no value".</summary>
    public static bool IsMissing(ReadOnlySpan<char> cell)
    {
        cell = cell.Trim();
        foreach (string token in MissingTokens)
            if (cell.SequenceEqual(token))
                return true;
        return false;
    }

    /// <summary>
    /// Reads <paramref name="cell"/> as a number: invariant culture, surrounding spaces allowed, <c>inf</c>, <c>-inf</c>,
    /// <c>Infinity</c> and <c>∞</c> (any case) as ±∞. A missing cell is not a number.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<char> cell, out double value)
    {
        cell = cell.Trim();
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return !double.IsNaN(value);
        return TryParseInfinity(cell, out value);
    }

    /// <summary>
    /// As <see cref="TryParseNumber(ReadOnlySpan{char}, out double)"/>, rounded once, straight to the nearest Single
    /// (a number beyond ±3.4e38 becomes ±∞).
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<char> cell, out float value)
    {
        cell = cell.Trim();
        if (float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return !float.IsNaN(value);
        bool infinite = TryParseInfinity(cell, out double infinity);
        value = (float)infinity;
        return infinite;
    }

    private static bool TryParseInfinity(ReadOnlySpan<char> cell, out double value)
    {
        bool negative = cell.StartsWith("-");
        var magnitude = negative ? cell[1..] : cell;
        foreach (string word in InfinityWords)
            if (magnitude.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            }
        value = double.NaN;
        return false;
    }

    /// <summary>Reads a boolean word (any case): true/false, yes/no, y/n, t/f, 1/0.</summary>
    public static bool TryParseBoolean(ReadOnlySpan<char> cell, out bool value)
    {
        cell = cell.Trim();
        foreach (string word in TrueWords)
            if (cell.Equals(word, StringComparison.OrdinalIgnoreCase))
                return value = true;
        foreach (string word in FalseWords)
            if (cell.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                value = false;
                return true;
            }
        value = false;
        return false;
    }

    /// <summary>The boolean words, for messages: <c>true/false, yes/no, y/n, t/f, 1/0</c>.</summary>
    public static string BooleanWords => string.Join(", ", TrueWords.Zip(FalseWords, (t, f) => $"{t}/{f}"));
}

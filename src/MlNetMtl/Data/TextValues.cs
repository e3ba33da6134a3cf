using System.Globalization;
using System.Numerics;

namespace MlNetMtl.Data;

/// <summary>
/// How a cell of text is read, the same way everywhere — column inference, CSV loading, label reading: which cells are
/// missing, which are numbers (invariant culture, surrounding spaces allowed, <c>inf</c>/<c>Infinity</c> included) and
/// which are boolean words.
/// </summary>
internal static class TextValues
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
    /// Reads a numeric column's cell as training reads it: a missing cell and ±∞ as NaN (a missing value, which the
    /// featurization imputes); false for a cell that is not a number, which the caller reports.
    /// </summary>
    public static bool TryReadNumericCell<T>(ReadOnlySpan<char> cell, out T value) where T : IBinaryFloatingPointIeee754<T>
    {
        if (IsMissing(cell))
        {
            value = T.NaN;
            return true;
        }
        if (!TryParseNumber(cell, out value))
            return false;
        if (!T.IsFinite(value))
            value = T.NaN;
        return true;
    }

    /// <summary>
    /// Reads <paramref name="cell"/> as a number of type <typeparamref name="T"/> (Single or Double), rounded once from
    /// the text: invariant culture, surrounding spaces allowed, <c>inf</c>, <c>-inf</c>, <c>Infinity</c> and <c>∞</c>
    /// (any case) as ±∞, a number beyond the type's range as ±∞. A missing cell is not a number.
    /// </summary>
    public static bool TryParseNumber<T>(ReadOnlySpan<char> cell, out T value) where T : IBinaryFloatingPointIeee754<T>
    {
        cell = cell.Trim();
        if (T.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value!))
            return !T.IsNaN(value);
        bool negative = cell.StartsWith("-");
        var magnitude = negative ? cell[1..] : cell;
        foreach (string word in InfinityWords)
            if (magnitude.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                value = negative ? T.NegativeInfinity : T.PositiveInfinity;
                return true;
            }
        value = T.NaN;
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

    /// <summary>A value for a message: quoted, shortened past 60 characters, line breaks shown as ⏎.</summary>
    public static string Quote(ReadOnlySpan<char> value)
    {
        var text = new System.Text.StringBuilder();
        foreach (char c in value.Length > 60 ? value[..57] : value)
            text.Append(c is '\n' or '\r' ? '⏎' : c);
        return "'" + text + (value.Length > 60 ? "…'" : "'");
    }

    /// <summary>"'a', 'b', 'c'": the first few values quoted, then how many there are in all.</summary>
    public static string QuoteList(IReadOnlyList<string> values, int listed = 6) =>
        string.Join(", ", values.Take(listed).Select(v => Quote(v))) + (values.Count > listed ? $", … ({values.Count:N0} in all)" : "");

    /// <summary>The boolean words, for messages: <c>true/false, yes/no, y/n, t/f, 1/0</c>.</summary>
    public static string BooleanWords => string.Join(", ", TrueWords.Zip(FalseWords, (t, f) => $"{t}/{f}"));
}

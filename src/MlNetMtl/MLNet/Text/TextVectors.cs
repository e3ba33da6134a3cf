using Microsoft.ML;

namespace MlNetMtl.MLNet.Text;

/// <summary>
/// Fills vectors for texts: an empty or missing text is the zero vector (it says nothing), a cached one is copied, the rest
/// are encoded together in one call (each distinct text once) and cached.
/// </summary>
internal static class TextVectors
{
    public static void Fill(ITextEncoder encoder, EmbeddingCache cache, IReadOnlyList<string?> texts, Span<float> vectors)
    {
        int dimension = encoder.Dimension;
        List<string>? missing = null;
        Dictionary<string, List<int>>? rowsOf = null;
        for (int i = 0; i < texts.Count; i++)
        {
            var vector = vectors.Slice(i * dimension, dimension);
            string? text = texts[i];
            if (string.IsNullOrWhiteSpace(text))
                vector.Clear();
            else if (!cache.TryGet(encoder, text, vector))
            {
                rowsOf ??= new(StringComparer.Ordinal);
                missing ??= [];
                if (!rowsOf.TryGetValue(text, out var rows))
                {
                    rowsOf[text] = rows = [];
                    missing.Add(text);
                }
                rows.Add(i);
            }
        }
        if (missing is null)
            return;
        var encoded = new float[missing.Count * dimension];
        encoder.Encode(missing, encoded);
        for (int m = 0; m < encoded.Length; m++)
            if (!float.IsFinite(encoded[m]))
                throw new InvalidOperationException($"Sentence encoder '{encoder.Name}' gave {encoded[m]} for the text \"{Shorten(missing[m / dimension])}\".");
        cache.Add(encoder, missing, encoded);
        for (int m = 0; m < missing.Count; m++)
            foreach (int row in rowsOf![missing[m]])
                encoded.AsSpan(m * dimension, dimension).CopyTo(vectors.Slice(row * dimension, dimension));
    }

    /// <summary>Reads a text cell (a missing cell is empty).</summary>
    public static string? Read(ValueGetter<ReadOnlyMemory<char>> getter, ref ReadOnlyMemory<char> buffer)
    {
        getter(ref buffer);
        return buffer.IsEmpty ? null : buffer.ToString();
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}

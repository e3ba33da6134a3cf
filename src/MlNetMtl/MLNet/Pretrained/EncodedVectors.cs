using Microsoft.ML;
using MlNetMtl.MLNet.Images;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// Fills vectors for the cells of one input column: an empty or missing cell is the zero vector (it says nothing), a
/// cached input is copied, the rest are encoded together in one call (each distinct input once) and cached. A text is its
/// own cache key; an image file is keyed by its full path, length and last write time, so an edited file is encoded again.
/// </summary>
internal static class EncodedVectors
{
    public static void Fill(PretrainedEmbeddingTransformer transformer, int column, IReadOnlyList<string?> cells, Span<float> vectors)
    {
        var encoder = transformer.Encoder;
        var cache = transformer.Cache;
        int dimension = encoder.Dimension;
        List<string>? missingKeys = null, missingInputs = null;
        Dictionary<string, List<int>>? rowsOf = null;
        for (int i = 0; i < cells.Count; i++)
        {
            var vector = vectors.Slice(i * dimension, dimension);
            string? cell = cells[i];
            if (string.IsNullOrWhiteSpace(cell))
            {
                vector.Clear();
                continue;
            }
            var (key, input) = Resolve(transformer, column, cell);
            if (cache.TryGet(encoder, key, vector))
                continue;
            rowsOf ??= new(StringComparer.Ordinal);
            missingKeys ??= [];
            missingInputs ??= [];
            if (!rowsOf.TryGetValue(key, out var rows))
            {
                rowsOf[key] = rows = [];
                missingKeys.Add(key);
                missingInputs.Add(input);
            }
            rows.Add(i);
        }
        if (missingKeys is null)
            return;
        var encoded = new float[missingKeys.Count * dimension];
        encoder.Encode(missingInputs!, encoded);
        for (int m = 0; m < encoded.Length; m++)
            if (!float.IsFinite(encoded[m]))
                throw new InvalidOperationException($"Encoder '{encoder.Name}' gave {encoded[m]} for \"{Shorten(missingInputs![m / dimension])}\" (column '{transformer.Columns[column].InputColumnName}').");
        cache.Add(encoder, missingKeys, encoded);
        for (int m = 0; m < missingKeys.Count; m++)
            foreach (int row in rowsOf![missingKeys[m]])
                encoded.AsSpan(m * dimension, dimension).CopyTo(vectors.Slice(row * dimension, dimension));
    }

    /// <summary>Reads a cell (a missing cell is empty).</summary>
    public static string? Read(ValueGetter<ReadOnlyMemory<char>> getter, ref ReadOnlyMemory<char> buffer)
    {
        getter(ref buffer);
        return buffer.IsEmpty ? null : buffer.ToString();
    }

    /// <summary>The cache key and the encoder's input of a present cell: the text itself, or an image's full path.</summary>
    /// <exception cref="FileNotFoundException">An image cell names no file (the cell, column and full path are named).</exception>
    private static (string Key, string Input) Resolve(PretrainedEmbeddingTransformer transformer, int column, string cell)
    {
        if (transformer.Encoder is not IImageEncoder)
            return (cell, cell);
        var file = ImageFiles.Resolve(transformer.ImageFolder, transformer.Columns[column].InputColumnName, cell);
        return (string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{file.FullName}\n{file.Length}\n{file.LastWriteTimeUtc.Ticks}"), file.FullName);
    }

    /// <summary>A cell as error messages quote it: at most 60 characters.</summary>
    public static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}

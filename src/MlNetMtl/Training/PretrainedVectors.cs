using System.Globalization;

namespace MlNetMtl.Training;

/// <summary>
/// Pretrained vectors (e.g. item embeddings produced by a large language model) that initialise a block of the first
/// layer: vector i becomes the weight row of input column <see cref="FirstColumn"/> + i, so a one-hot item id whose
/// columns start there begins from its embedding. The vectors' width must equal the first layer's width.
/// </summary>
public sealed class PretrainedVectors
{
    /// <summary>Wraps <paramref name="values"/> (<paramref name="rows"/> × <paramref name="columns"/>, row-major).</summary>
    /// <exception cref="ArgumentException">The sizes do not match, or a value is not finite.</exception>
    public PretrainedVectors(float[] values, int rows, int columns, int firstColumn = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(firstColumn);
        if (values.Length != (long)rows * columns)
            throw new ArgumentException($"{values.Length} values cannot be {rows} vectors of width {columns}.", nameof(values));
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"Pretrained vector {i / columns}, component {i % columns} is {values[i]}.", nameof(values));
        Values = values;
        Rows = rows;
        Columns = columns;
        FirstColumn = firstColumn;
    }

    /// <summary>The vectors, row-major.</summary>
    public float[] Values { get; }
    /// <summary>Number of vectors.</summary>
    public int Rows { get; }
    /// <summary>Width of a vector.</summary>
    public int Columns { get; }
    /// <summary>The input column of the first vector.</summary>
    public int FirstColumn { get; }

    /// <summary>Reads a text file with one vector per line, components separated by spaces, tabs or commas (blank lines skipped).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">A component is not a number, or the lines differ in width (the line is named).</exception>
    public static PretrainedVectors FromFile(string path, int firstColumn = 0)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No vector file at '{path}'.", path);
        var values = new List<float>();
        int width = -1, rows = 0, lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            var cells = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length == 0)
                continue;
            if (width >= 0 && cells.Length != width)
                throw new InvalidDataException($"'{path}', line {lineNumber}: {cells.Length} components where the first vector has {width}.");
            width = cells.Length;
            foreach (string cell in cells)
                values.Add(float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
                    ? value : throw new InvalidDataException($"'{path}', line {lineNumber}: '{cell}' is not a number."));
            rows++;
        }
        if (rows == 0)
            throw new InvalidDataException($"'{path}' holds no vectors.");
        return new PretrainedVectors(values.ToArray(), rows, width, firstColumn);
    }
}

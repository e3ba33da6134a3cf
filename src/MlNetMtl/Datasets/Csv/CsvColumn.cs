namespace MlNetMtl.Datasets.Csv;

/// <summary>How a column of a table (its cells as text: <see cref="Tables.TableFile"/>) is read into a data view.</summary>
internal enum CsvColumnKind
{
    /// <summary>Single: numbers; missing cells and numbers beyond Single's range (±∞) read as NaN; any other text is an error.</summary>
    Single,
    /// <summary>Double: as <see cref="Single"/> at double precision (ignored columns such as timestamps keep their digits).</summary>
    Double,
    /// <summary>Single 0/1 from boolean words or 0/1; missing cells read as NaN; any other value is an error.</summary>
    Flag,
    /// <summary>Text, trimmed, as written (missing-value tokens included).</summary>
    Text,
}

/// <summary>A column of a table read into a data view: its name, its position in the table and how it is read.</summary>
internal sealed record CsvColumn(string Name, int Index, CsvColumnKind Kind);

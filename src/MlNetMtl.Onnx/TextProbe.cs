using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.Onnx;

/// <summary>Texts to pass through a fitted text transformer, as a one-column data view under the column name it reads.</summary>
internal static class TextProbe
{
    public static IDataView View(MLContext ml, string column, IEnumerable<string> texts)
    {
        var definition = SchemaDefinition.Create(typeof(ProbeRow));
        definition[0].ColumnName = column;
        return ml.Data.LoadFromEnumerable(texts.Select(t => new ProbeRow { Text = t }).ToList(), definition);
    }

    private sealed class ProbeRow
    {
        public string Text { get; set; } = "";
    }
}

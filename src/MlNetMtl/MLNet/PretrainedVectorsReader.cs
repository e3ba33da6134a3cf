using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Training;

namespace MlNetMtl.MLNet;

/// <summary>Reads pretrained vectors (one per row) from a known-size Single vector column of an <see cref="IDataView"/>.</summary>
public static class PretrainedVectorsReader
{
    /// <summary>Row i of <paramref name="column"/> becomes the vector of input column <paramref name="firstColumn"/> + i.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a known-size Single vector (it is named).</exception>
    public static PretrainedVectors FromDataView(IDataView data, string column, int firstColumn = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        var schemaColumn = data.Schema.GetColumnOrNull(column) ?? throw new ArgumentOutOfRangeException(nameof(column), $"The vector column '{column}' is not in the data.");
        if (schemaColumn.Type is not VectorDataViewType { Size: > 0 } vector || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column}' has type {schemaColumn.Type}; pretrained vectors must be a known-size vector of Single.");
        var values = new List<float>();
        using var cursor = data.GetRowCursor([schemaColumn]);
        var getter = cursor.GetGetter<VBuffer<float>>(schemaColumn);
        var buffer = default(VBuffer<float>);
        int rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            values.AddRange(buffer.DenseValues());
            rows++;
        }
        return new PretrainedVectors(values.ToArray(), rows, vector.Size, firstColumn);
    }
}

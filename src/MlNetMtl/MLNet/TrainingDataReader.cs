using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl;

/// <summary>
/// Reads the feature and label columns of an <see cref="IDataView"/> in one pass into a compact
/// <see cref="MultiTaskDataset"/>: sparse rows stay sparse (only non-zeros are stored) unless the data turn out
/// dense, labels become 0/1 or values. Every bad value is reported with its column and row.
/// </summary>
internal static class TrainingDataReader
{
    /// <summary>Stored values per row above this share of the width make the rows dense.</summary>
    private const double DenseThreshold = 0.3;

    public static MultiTaskDataset Read(IDataView data, string featureColumn, IReadOnlyList<TaskColumn> tasks)
    {
        ColumnRules.Check(data.Schema, featureColumn, tasks);
        var feature = data.Schema[featureColumn];
        int dimension = ((VectorDataViewType)feature.Type).Size;
        var labelColumns = tasks.Select(t => data.Schema[t.LabelColumnName]).ToArray();

        var rowStarts = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        var labels = tasks.Select(_ => new List<float>()).ToArray();
        using (var cursor = data.GetRowCursor(labelColumns.Append(feature).Distinct()))
        {
            var features = cursor.GetGetter<VBuffer<float>>(feature);
            var labelGetters = tasks.Select((task, t) => LabelReader.Create(cursor, labelColumns[t], task)).ToArray();
            var buffer = default(VBuffer<float>);
            long row = 0;
            while (cursor.MoveNext())
            {
                features(ref buffer);
                Append(buffer, featureColumn, row, indices, values);
                rowStarts.Add(indices.Count);
                for (int t = 0; t < tasks.Count; t++)
                    labels[t].Add(labelGetters[t](row));
                row++;
            }
        }

        int rows = rowStarts.Count - 1;
        if (rows == 0)
            throw new ArgumentException("The training data have no rows.", nameof(data));
        for (int t = 0; t < tasks.Count; t++)
            CheckBothClasses(tasks[t], labels[t]);
        var matrix = (double)values.Count / ((double)rows * dimension) >= DenseThreshold
            ? (FeatureMatrix)ToDense(rowStarts, indices, values, rows, dimension)
            : new SparseFeatures(rowStarts.ToArray(), indices.ToArray(), values.ToArray(), dimension);
        return new MultiTaskDataset(matrix, tasks.Select(t => t.Definition).ToArray(), labels.Select(l => l.ToArray()).ToArray());
    }

    private static void Append(in VBuffer<float> buffer, string column, long row, List<int> indices, List<float> values)
    {
        var stored = buffer.GetValues();
        var positions = buffer.GetIndices();
        for (int i = 0; i < stored.Length; i++)
        {
            float value = stored[i];
            if (!float.IsFinite(value))
                throw new ArgumentException($"Feature column '{column}', row {row}, slot {(buffer.IsDense ? i : positions[i])}: the value is {value}; features must be finite (replace missing values first, e.g. with ReplaceMissingValues).");
            if (value == 0f)
                continue;
            indices.Add(buffer.IsDense ? i : positions[i]);
            values.Add(value);
        }
    }

    private static DenseFeatures ToDense(List<int> rowStarts, List<int> indices, List<float> values, int rows, int dimension)
    {
        var dense = new float[(long)rows * dimension];
        for (int r = 0; r < rows; r++)
            for (int p = rowStarts[r]; p < rowStarts[r + 1]; p++)
                dense[(long)r * dimension + indices[p]] = values[p];
        return new DenseFeatures(dense, rows, dimension);
    }

    private static void CheckBothClasses(TaskColumn task, List<float> labels)
    {
        if (task.Kind != TaskKind.Binary)
            return;
        bool positive = labels.Contains(1f), negative = labels.Contains(0f);
        if (!positive || !negative)
            throw new ArgumentException($"Binary task '{task.Name}': label column '{task.LabelColumnName}' has only {(positive ? "positive" : "negative")} rows in the training data; a binary task needs both classes.");
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>
/// Reads the feature and label columns of an <see cref="IDataView"/> in one pass into a compact
/// <see cref="MultiTaskDataset"/>: sparse rows stay sparse (only non-zeros are stored) unless the data turn out
/// dense, labels become 0/1 or values. Every bad value is reported with its column and row.
/// </summary>
internal static class TrainingDataReader
{
    /// <summary>Stored values per row above this share of the width make the rows dense.</summary>
    private const double DenseThreshold = 0.3;

    /// <param name="data">The rows.</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="tasks">The tasks, with their label and optional weight columns.</param>
    /// <param name="weightColumn">An optional row-weight column shared by every task.</param>
    /// <param name="cancellationToken">Stops the reading (checked every few thousand rows).</param>
    /// <param name="userColumn">An optional user column (user-level privacy): each row's user becomes <see cref="MultiTaskDataset.Users"/>.</param>
    public static MultiTaskDataset Read(IDataView data, string featureColumn, IReadOnlyList<TaskColumn> tasks, string? weightColumn = null,
        CancellationToken cancellationToken = default, string? userColumn = null)
    {
        ColumnRules.Check(data.Schema, featureColumn, tasks);
        if (userColumn is not null)
            UserReader.Check(data.Schema, userColumn);
        if (weightColumn is not null)
            WeightReader.Check(data.Schema, weightColumn, "weight");
        foreach (var task in tasks.Where(t => t.WeightColumnName is not null))
            WeightReader.Check(data.Schema, task.WeightColumnName!, $"weight (task '{task.Name}')");
        var feature = data.Schema[featureColumn];
        var labelColumns = tasks.Select(t => data.Schema[t.LabelColumnName]).ToArray();
        var taskWeightColumns = tasks.Select(t => t.WeightColumnName is null ? (DataViewSchema.Column?)null : data.Schema[t.WeightColumnName]).ToArray();
        var sharedWeightColumn = weightColumn is null ? (DataViewSchema.Column?)null : data.Schema[weightColumn];
        var users = userColumn is null ? null : new List<int>();
        var userSchemaColumn = userColumn is null ? (DataViewSchema.Column?)null : data.Schema[userColumn];
        var needed = labelColumns.Append(feature).Concat(taskWeightColumns.Append(sharedWeightColumn).Append(userSchemaColumn).OfType<DataViewSchema.Column>()).DistinctBy(c => c.Index);

        var features = new FeatureCollector(feature);
        var labels = tasks.Select(_ => new List<float>()).ToArray();
        var taskWeights = taskWeightColumns.Select(c => c is null ? null : new List<float>()).ToArray();
        var sharedWeights = sharedWeightColumn is null ? null : new List<float>();
        var missing = new (long Count, long First)[tasks.Count];
        using (var cursor = data.GetRowCursor(needed))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(feature);
            var labelGetters = tasks.Select((task, t) => LabelReader.Create(cursor, labelColumns[t], task)).ToArray();
            var taskWeightGetters = taskWeightColumns.Select(c => c is null ? null : WeightReader.Create(cursor, c.Value)).ToArray();
            var sharedWeightGetter = sharedWeightColumn is null ? null : WeightReader.Create(cursor, sharedWeightColumn.Value);
            var userGetter = userSchemaColumn is null ? null : UserReader.Create(cursor, userSchemaColumn.Value);
            var buffer = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                long row = features.Add(buffer);
                if ((row & 4095) == 0)
                    cancellationToken.ThrowIfCancellationRequested();
                for (int t = 0; t < tasks.Count; t++)
                {
                    float label = labelGetters[t](row);
                    if (float.IsNaN(label) && missing[t].Count++ == 0)
                        missing[t].First = row;
                    labels[t].Add(label);
                    taskWeights[t]?.Add(taskWeightGetters[t]!(row));
                }
                sharedWeights?.Add(sharedWeightGetter!(row));
                users?.Add(userGetter!(row));
            }
        }
        if (features.Rows == 0)
            throw new ArgumentException("The training data have no rows.", nameof(data));
        for (int t = 0; t < tasks.Count; t++)
        {
            if (missing[t].Count > 0 && tasks[t].MissingLabels == MissingLabelPolicy.Error)
                throw new ArgumentException($"Label column '{tasks[t].LabelColumnName}' of task '{tasks[t].Name}' has {missing[t].Count:N0} missing labels of {features.Rows:N0} rows " +
                    $"(the first at row {missing[t].First}); create the task with MissingLabelPolicy.Mask to train without them.", nameof(data));
            CheckBothClasses(tasks[t], labels[t]);
        }
        return new MultiTaskDataset(features.ToMatrix(), tasks.Select(t => t.Definition).ToArray(), labels.Select(l => l.ToArray()).ToArray(),
            sharedWeights?.ToArray(), taskWeights.Select(w => w?.ToArray()).ToArray())
        { Users = users?.ToArray() };
    }

    /// <summary>Reads only the feature column (e.g. to inspect a trained network on some data).</summary>
    public static FeatureMatrix ReadFeatures(IDataView data, string featureColumn)
    {
        ColumnRules.CheckFeatureOnly(data.Schema, featureColumn);
        var feature = data.Schema[featureColumn];
        var features = new FeatureCollector(feature);
        using var cursor = data.GetRowCursor([feature]);
        var getter = cursor.GetGetter<VBuffer<float>>(feature);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            features.Add(buffer);
        }
        return features.ToMatrix();
    }

    /// <summary>Collects feature rows as compressed rows of their non-zeros, checking every value.</summary>
    private sealed class FeatureCollector(DataViewSchema.Column column)
    {
        private readonly int _dimension = ((VectorDataViewType)column.Type).Size;
        private readonly List<int> _rowStarts = [0];
        private readonly List<int> _indices = [];
        private readonly List<float> _values = [];

        public int Rows => _rowStarts.Count - 1;

        /// <summary>Appends a row; returns its row number.</summary>
        public long Add(in VBuffer<float> buffer)
        {
            var stored = buffer.GetValues();
            var positions = buffer.GetIndices();
            for (int i = 0; i < stored.Length; i++)
            {
                float value = stored[i];
                if (!float.IsFinite(value))
                {
                    int slot = buffer.IsDense ? i : positions[i];
                    throw new ArgumentException($"Feature column '{column.Name}', row {Rows}, slot {slot}{SlotName(slot)}: the value is {value}; features must be finite " +
                        "(replace missing values first, e.g. with ReplaceMissingValues).");
                }
                if (value == 0f)
                    continue;
                _indices.Add(buffer.IsDense ? i : positions[i]);
                _values.Add(value);
            }
            _rowStarts.Add(_indices.Count);
            return Rows - 1;
        }

        /// <summary>" ('Numeric.Standardized.age')": the slot's name, which names the input it came from, when the column has slot names.</summary>
        private string SlotName(int slot)
        {
            if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
                return "";
            var names = default(VBuffer<ReadOnlyMemory<char>>);
            column.GetSlotNames(ref names);
            string name = names.GetItemOrDefault(slot).ToString();
            return name.Length == 0 ? "" : $" ('{name}')";
        }

        /// <summary>Dense rows when at least <see cref="DenseThreshold"/> of the values are stored, else sparse.</summary>
        public FeatureMatrix ToMatrix()
        {
            if (Rows > 0 && (double)_values.Count / ((double)Rows * _dimension) < DenseThreshold)
                return new SparseFeatures(_rowStarts.ToArray(), _indices.ToArray(), _values.ToArray(), _dimension);
            var dense = new float[(long)Rows * _dimension];
            for (int r = 0; r < Rows; r++)
                for (int p = _rowStarts[r]; p < _rowStarts[r + 1]; p++)
                    dense[(long)r * _dimension + _indices[p]] = _values[p];
            return new DenseFeatures(dense, Rows, _dimension);
        }
    }

    private static void CheckBothClasses(TaskColumn task, List<float> labels)
    {
        if (task.Kind.Evaluation != EvaluationFamily.Binary)
            return;
        bool positive = labels.Contains(1f), negative = labels.Contains(0f);
        if (!positive || !negative)
            throw new ArgumentException($"Binary task '{task.Name}': label column '{task.LabelColumnName}' has only {(positive ? "positive" : "negative")} rows in the training data; a binary task needs both classes.");
    }
}

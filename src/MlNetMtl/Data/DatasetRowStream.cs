namespace MlNetMtl.Data;

/// <summary>An in-memory data set read as a stream (dense rows, in order): for tests and for mixing the two modes.</summary>
internal sealed class DatasetRowStream(MultiTaskDataset data) : IRowStream
{
    public IReadOnlyList<TaskDefinition> Tasks => data.Tasks;
    public int Dimension => data.Features.Dimension;

    public IRowReader Open() => new Reader(data);

    private sealed class Reader(MultiTaskDataset data) : IRowReader
    {
        private int _row;

        public bool Read(Span<float> features, Span<float> labels, Span<float> weights)
        {
            if (_row == data.Rows)
                return false;
            switch (data.Features)
            {
                case DenseFeatures dense:
                    dense.Row(_row).CopyTo(features);
                    break;
                case SparseFeatures sparse:
                    features.Clear();
                    for (int p = sparse.RowStarts[_row]; p < sparse.RowStarts[_row + 1]; p++)
                        features[sparse.Indices[p]] = sparse.Values[p];
                    break;
            }
            for (int t = 0; t < data.Tasks.Count; t++)
            {
                labels[t] = data.Labels[t][_row];
                weights[t] = (data.RowWeights?[_row] ?? 1f) * (data.TaskWeights[t]?[_row] ?? 1f);
            }
            _row++;
            return true;
        }

        public void Dispose() { }
    }
}

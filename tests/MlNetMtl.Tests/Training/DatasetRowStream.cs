using MlNetMtl.Data;

namespace MlNetMtl.Tests.Training;

/// <summary>An in-memory data set read as a stream (rows in order, dense or sparse as stored): for the tests of streamed training.</summary>
internal sealed class DatasetRowStream(MultiTaskDataset data) : IRowStream
{
    public IReadOnlyList<TaskDefinition> Tasks => data.Tasks;
    public int Dimension => data.Features.Dimension;

    public IRowReader Open() => new Reader(data);

    private sealed class Reader(MultiTaskDataset data) : IRowReader
    {
        private int _row;

        public bool Read(RowFeatures features, Span<float> labels, Span<float> weights)
        {
            if (_row == data.Rows)
                return false;
            switch (data.Features)
            {
                case DenseFeatures dense:
                    features.SetDense(dense.Row(_row));
                    break;
                case SparseFeatures sparse:
                    int start = sparse.RowStarts[_row], count = sparse.RowStarts[_row + 1] - start;
                    features.SetSparse(sparse.Indices.AsSpan(start, count), sparse.Values.AsSpan(start, count));
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

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetMtl.Onnx;

/// <summary>
/// Scores data through an exported model with ONNX Runtime: the model's raw input columns are read from an
/// <see cref="IDataView"/> (as ML.NET would read them) in batches, and every output comes back per row.
/// </summary>
public sealed class OnnxPipelineScorer : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Opens the ONNX model at <paramref name="path"/>.</summary>
    /// <param name="path">An exported model.</param>
    /// <param name="threads">ONNX Runtime's intra-operator threads; 0 for its default.</param>
    public OnnxPipelineScorer(string path, int threads = 0)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        options.RegisterOrtExtensions(); // the tokenizer and string operators (ai.onnx.contrib) of an exported sentence encoder
        _session = new InferenceSession(path, options);
        OutputNames = _session.OutputMetadata.Keys.ToArray();
        CustomOperators = _session.ModelMetadata.CustomMetadataMap.GetValueOrDefault(PipelineExport.ExtensionsKey);
    }

    /// <summary>Where the model needs operators beyond ONNX Runtime's own, which and how to load them; else null.</summary>
    public string? CustomOperators { get; }

    /// <summary>The model's outputs, in graph order (named like the ML.NET columns).</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The raw columns the model reads.</summary>
    public IReadOnlyList<string> InputNames => _session.InputMetadata.Keys.ToArray();

    /// <summary>Scores <paramref name="data"/> in batches of up to <paramref name="batchRows"/> rows, in row order.</summary>
    /// <exception cref="ArgumentException">The data lacks a column the model reads, or holds it as another type (both named).</exception>
    public IEnumerable<OnnxBatch> Score(IDataView data, int batchRows = 4096)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchRows);
        var inputs = _session.InputMetadata.Select(i => InputColumn.For(i.Key, i.Value, data.Schema)).ToArray();
        using var cursor = data.GetRowCursor(inputs.Select(i => i.Column));
        var readers = inputs.Select(i => i.Reader(cursor)).ToArray();
        while (true)
        {
            int rows = 0;
            foreach (var reader in readers)
                reader.Clear();
            while (rows < batchRows && cursor.MoveNext())
            {
                foreach (var reader in readers)
                    reader.Read();
                rows++;
            }
            if (rows == 0)
                yield break;
            yield return Run(readers.Select((r, i) => r.Value(inputs[i].Name, rows)).ToArray(), rows);
            if (rows < batchRows)
                yield break;
        }
    }

    /// <summary>Runs the session on ready input values.</summary>
    internal OnnxBatch Run(IReadOnlyCollection<NamedOnnxValue> inputs, int rows)
    {
        using var results = _session.Run(inputs);
        var columns = new Dictionary<string, OnnxColumn>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            Array values = result.ElementType switch
            {
                TensorElementType.Float => result.AsTensor<float>().ToArray(),
                TensorElementType.Bool => result.AsTensor<bool>().ToArray(),
                TensorElementType.UInt32 => result.AsTensor<uint>().ToArray(),
                var other => throw new NotSupportedException($"Output '{result.Name}' holds {other}, which the scorer does not read."),
            };
            columns[result.Name] = new OnnxColumn(values, values.Length / rows);
        }
        return new OnnxBatch(rows, columns);
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    /// <summary>One input column of the model and the way its cells become a tensor.</summary>
    private sealed record InputColumn(string Name, DataViewSchema.Column Column, NodeMetadata Metadata)
    {
        public static InputColumn For(string name, NodeMetadata metadata, DataViewSchema schema)
        {
            var column = schema.GetColumnOrNull(name) ?? throw new ArgumentException($"The data has no column '{name}', which the ONNX model reads.", nameof(schema));
            return new InputColumn(name, column, metadata);
        }

        public ColumnReader Reader(DataViewRowCursor cursor)
        {
            int width = Metadata.Dimensions.Length > 1 && Metadata.Dimensions[^1] > 0 ? Metadata.Dimensions[^1] : 1;
            var type = Column.Type is VectorDataViewType vector ? vector.ItemType : Column.Type;
            return (Metadata.ElementDataType, type) switch
            {
                (TensorElementType.String, TextDataViewType) => new ColumnReader<ReadOnlyMemory<char>, string>(cursor, Column, width, v => v.ToString()),
                (TensorElementType.Float, NumberDataViewType n) when n.RawType == typeof(float) => new ColumnReader<float, float>(cursor, Column, width, v => v),
                (TensorElementType.Double, NumberDataViewType n) when n.RawType == typeof(double) => new ColumnReader<double, double>(cursor, Column, width, v => v),
                (TensorElementType.Int32, NumberDataViewType n) when n.RawType == typeof(int) => new ColumnReader<int, int>(cursor, Column, width, v => v),
                (TensorElementType.Int64, NumberDataViewType n) when n.RawType == typeof(long) => new ColumnReader<long, long>(cursor, Column, width, v => v),
                (TensorElementType.Bool, BooleanDataViewType) => new ColumnReader<bool, bool>(cursor, Column, width, v => v),
                _ => throw new ArgumentException($"Column '{Name}' holds {Column.Type}; the ONNX model reads it as {Metadata.ElementDataType}."),
            };
        }
    }

    /// <summary>Collects a column's cells for one batch.</summary>
    private abstract class ColumnReader
    {
        public abstract void Clear();
        public abstract void Read();
        public abstract NamedOnnxValue Value(string name, int rows);
    }

    private sealed class ColumnReader<TCell, TTensor>(DataViewRowCursor cursor, DataViewSchema.Column column, int width, Func<TCell, TTensor> convert) : ColumnReader
    {
        private readonly List<TTensor> _values = [];
        private readonly ValueGetter<TCell>? _scalar = column.Type is VectorDataViewType ? null : cursor.GetGetter<TCell>(column);
        private readonly ValueGetter<VBuffer<TCell>>? _vector = column.Type is VectorDataViewType ? cursor.GetGetter<VBuffer<TCell>>(column) : null;
        private TCell _cell = default!;
        private VBuffer<TCell> _buffer;

        public override void Clear() => _values.Clear();

        public override void Read()
        {
            if (_scalar is not null)
            {
                _scalar(ref _cell);
                _values.Add(convert(_cell));
                return;
            }
            _vector!(ref _buffer);
            foreach (var cell in _buffer.DenseValues())
                _values.Add(convert(cell));
        }

        public override NamedOnnxValue Value(string name, int rows) =>
            NamedOnnxValue.CreateFromTensor(name, new DenseTensor<TTensor>(_values.ToArray(), [rows, width]));
    }
}

/// <summary>One batch of an ONNX model's outputs.</summary>
/// <param name="Rows">Rows in the batch.</param>
/// <param name="Columns">Each output by name.</param>
public sealed record OnnxBatch(int Rows, IReadOnlyDictionary<string, OnnxColumn> Columns);

/// <summary>An output's values (float, bool or uint), row-major, <paramref name="Width"/> per row.</summary>
/// <param name="Values">The values, rows × width.</param>
/// <param name="Width">Values per row.</param>
public sealed record OnnxColumn(Array Values, int Width);

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetMtl.MLNet.Images;
using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.Onnx;

/// <summary>
/// Scores data through an exported model with ONNX Runtime: the model's raw input columns are read from an
/// <see cref="IDataView"/> (as ML.NET would read them) in batches, and every output comes back per row. An image column's
/// pixels are read from the files its cells name, as training read them (the model's <c>cover.Pixels</c> inputs).
/// </summary>
public sealed class OnnxPipelineScorer : IDisposable
{
    /// <summary>The most bytes of pixels a batch holds: a batch of images has fewer rows than asked for when they would take more.</summary>
    private const long MaxPixelBytes = 16L << 20;

    private readonly InferenceSession _session;
    private readonly Dictionary<string, ImageInput> _images;

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
        _images = ImageInput.Read(_session.ModelMetadata.CustomMetadataMap);
    }

    /// <summary>Where the model needs operators beyond ONNX Runtime's own, which and how to load them; else null.</summary>
    public string? CustomOperators { get; }

    /// <summary>The model's outputs, in graph order (named like the ML.NET columns).</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The model's inputs (the raw columns it reads, and an image column's pixels in its place).</summary>
    public IReadOnlyList<string> InputNames => _session.InputMetadata.Keys.ToArray();

    /// <summary>
    /// The inputs that hold an image column's pixels in place of its paths (<c>cover.Pixels</c>), each with what it holds;
    /// <see cref="Score"/> reads them from the files the column names.
    /// </summary>
    public IReadOnlyDictionary<string, string> ImageInputs => _images.ToDictionary(i => i.Key, i => i.Value.Description, StringComparer.Ordinal);

    /// <summary>
    /// Scores <paramref name="data"/> in batches of up to <paramref name="batchRows"/> rows (fewer for images: at most 16 MiB of
    /// pixels a batch), in row order.
    /// </summary>
    /// <exception cref="ArgumentException">The data lacks a column the model reads, or holds it as another type (both named).</exception>
    /// <exception cref="FileNotFoundException">An image cell names no file (the column, the cell and the full path are named).</exception>
    /// <exception cref="InvalidDataException">An image file cannot be decoded (it is named).</exception>
    public IEnumerable<OnnxBatch> Score(IDataView data, int batchRows = 4096)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchRows);
        var inputs = _session.InputMetadata.Select(i => InputColumn.For(i.Key, i.Value, data.Schema, _images.GetValueOrDefault(i.Key))).ToArray();
        long pixelBytes = inputs.Sum(i => i.Image is { } image ? (long)image.Width * sizeof(float) : 0);
        if (pixelBytes > 0)
            batchRows = (int)Math.Clamp(MaxPixelBytes / pixelBytes, 1, batchRows);
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

    /// <summary>One input of the model, the column it is read from, and the way its cells become a tensor.</summary>
    private sealed record InputColumn(string Name, DataViewSchema.Column Column, NodeMetadata Metadata, ImageInput? Image)
    {
        public static InputColumn For(string name, NodeMetadata metadata, DataViewSchema schema, ImageInput? image)
        {
            if (image is null)
            {
                var column = schema.GetColumnOrNull(name) ?? throw new ArgumentException($"The data has no column '{name}', which the ONNX model reads.", nameof(schema));
                return new InputColumn(name, column, metadata, null);
            }
            var paths = schema.GetColumnOrNull(image.Column) ?? throw new ArgumentException($"The data has no column '{image.Column}', whose images the ONNX model reads as '{name}'.", nameof(schema));
            if (paths.Type is not TextDataViewType)
                throw new ArgumentException($"Column '{image.Column}' holds {paths.Type}; the ONNX model reads image paths from it (text).", nameof(schema));
            return new InputColumn(name, paths, metadata, image);
        }

        public ColumnReader Reader(DataViewRowCursor cursor)
        {
            if (Image is not null)
                return new PixelReader(cursor, Column, Image, Image.CreateEncoder());
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

    /// <summary>An image column's pixels, [rows, 3, side, side]: each cell's file read as the encoder reads it, an empty cell a row of <see cref="ImageInput.Missing"/>.</summary>
    private sealed class PixelReader(DataViewRowCursor cursor, DataViewSchema.Column column, ImageInput image, IImageEncoder encoder) : ColumnReader
    {
        private readonly ValueGetter<ReadOnlyMemory<char>> _paths = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        private ReadOnlyMemory<char> _cell;
        private float[] _pixels = [];
        private int _rows;

        public override void Clear() => _rows = 0;

        public override void Read()
        {
            if (_pixels.Length < (_rows + 1) * image.Width)
                Array.Resize(ref _pixels, Math.Max(2 * _pixels.Length, image.Width));
            var row = _pixels.AsSpan(_rows++ * image.Width, image.Width);
            string? cell = EncodedVectors.Read(_paths, ref _cell);
            if (string.IsNullOrWhiteSpace(cell))
                row.Fill(ImageInput.Missing);
            else
                encoder.ReadPixels(ImageFiles.Resolve(image.Folder, image.Column, cell).FullName, row);
        }

        public override NamedOnnxValue Value(string name, int rows) =>
            NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(_pixels.AsMemory(0, rows * image.Width), [rows, 3, image.Side, image.Side]));
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

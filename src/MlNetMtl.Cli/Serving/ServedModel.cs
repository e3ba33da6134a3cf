using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;

namespace MlNetMtl.Cli.Serving;

/// <summary>
/// A loaded model as the server scores it: the input columns a request must give (those the model reads), each task's
/// output columns, and a version (the file's SHA-256 prefix). Immutable once loaded, so a reload swaps it whole.
/// </summary>
internal sealed class ServedModel
{
    private readonly ITransformer _model;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly (string Name, DataViewType Type, TaskColumn Task)[] _outputs;

    private ServedModel(string path, ITransformer model, MultiTaskTransformer network, DataViewSchema inputs, string version)
    {
        Path = path;
        _model = model;
        Network = network;
        Inputs = inputs;
        Version = version;
        _inputIndex = inputs.ToDictionary(c => c.Name, c => c.Index, StringComparer.Ordinal);
        var scored = model.GetOutputSchema(inputs);
        _outputs = network.Tasks.SelectMany(t => OutputColumnNames.For(t.Name, t.Kind).Select(name => (name, scored[name].Type, t)))
            .Concat(network.Network.AuxiliaryOutputs.Select(a => OutputColumnNames.Auxiliary(network.Tasks[a.Task].Name, a.Name))
                .Select(name => (name, scored[name].Type, network.Tasks[0]))).ToArray();
    }

    public string Path { get; }
    public MultiTaskTransformer Network { get; }
    /// <summary>The columns a request row gives, in the model's order and types.</summary>
    public DataViewSchema Inputs { get; }
    public string Version { get; }
    public IEnumerable<string> OutputNames => _outputs.Select(o => o.Name);

    /// <summary>Loads the model at <paramref name="path"/>.</summary>
    public static ServedModel Load(string path)
    {
        string version = VersionOf(path);
        var ml = new MLContext(seed: 0);
        var catalog = ml.MultiTask();
        var model = catalog.LoadModel(path, out var schema); // its checks name a damaged or foreign file
        if (VersionOf(path) != version)
            throw new IOException($"'{path}' changed while it was loaded; its next change reloads it.");
        var network = MultiTaskTransformer.FindIn(model) ?? throw new ArgumentException($"--model '{path}' holds no MlNetMtl multi-task transformer.");
        var builder = new DataViewSchema.Builder();
        foreach (var column in catalog.InputColumns(model, schema))
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        return new ServedModel(path, model, network, builder.ToSchema(), version);
    }

    /// <summary>The model version: the first 12 hex digits of the file's SHA-256.</summary>
    private static string VersionOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream))[..12].ToLowerInvariant();
    }

    /// <summary>A request row as the model's cells, or a <see cref="BadRequestException"/> naming the row and field at fault.</summary>
    public object[] Parse(JsonElement row, int index)
    {
        if (row.ValueKind != JsonValueKind.Object)
            throw new BadRequestException($"row {index}: expected an object of field values, got {Kind(row)}.");
        var cells = new object?[Inputs.Count];
        foreach (var field in row.EnumerateObject())
        {
            if (!_inputIndex.TryGetValue(field.Name, out int column))
                throw new BadRequestException($"row {index}: unknown field '{field.Name}'; the model reads {string.Join(", ", Inputs.Select(c => c.Name))}.");
            cells[column] = Cell(field.Value, Inputs[column].Type, index, field.Name);
        }
        for (int c = 0; c < cells.Length; c++)
            if (cells[c] is null)
                throw new BadRequestException($"row {index}: missing field '{Inputs[c].Name}' ({Describe(Inputs[c].Type)}).");
        return cells!;
    }

    /// <summary>Scores rows in one pass through the model; one dictionary of output values per row.</summary>
    public Dictionary<string, object>[] Score(IReadOnlyList<object[]> rows)
    {
        var scored = _model.Transform(new RowsDataView(Inputs, rows));
        var results = rows.Select(_ => new Dictionary<string, object>(_outputs.Length, StringComparer.Ordinal)).ToArray();
        using var cursor = scored.GetRowCursor(_outputs.Select(o => scored.Schema[o.Name]));
        var readers = _outputs.Select(o => Reader(cursor, scored.Schema[o.Name], o.Task)).ToArray();
        for (int r = 0; cursor.MoveNext(); r++)
            for (int o = 0; o < readers.Length; o++)
                results[r][_outputs[o].Name] = readers[o]();
        return results;
    }

    /// <summary>
    /// Whether a scoring failure is the request's own: a file one of its rows names that is not there or cannot be read (an
    /// image column), rather than the server's.
    /// </summary>
    public static bool IsRequestFault(Exception error) => CliErrors.Cause(error) is FileNotFoundException or InvalidDataException;

    /// <summary>What a request whose scoring failed with <paramref name="error"/> is told: the first of its rows that fails alone, and why, in one line.</summary>
    public string Explain(IReadOnlyList<object[]> rows, Exception error)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            try
            {
                Score([rows[r]]);
            }
            catch (Exception rowError) when (IsRequestFault(rowError))
            {
                return $"row {r}: {CliErrors.Describe(rowError).Message}";
            }
        }
        return CliErrors.Describe(error).Message;
    }

    private static Func<object> Reader(DataViewRowCursor cursor, DataViewSchema.Column column, TaskColumn task)
    {
        if (column.Type == BooleanDataViewType.Instance)
        {
            var getter = cursor.GetGetter<bool>(column);
            return () => { bool v = false; getter(ref v); return v; };
        }
        if (column.Type is KeyDataViewType)
        {
            var getter = cursor.GetGetter<uint>(column);
            return () =>
            {
                uint key = 0;
                getter(ref key);
                return key == 0 ? "" : task.ClassNames?[(int)key - 1] ?? (key - 1).ToString(CultureInfo.InvariantCulture);
            };
        }
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            return () => { VBuffer<float> v = default; getter(ref v); return v.DenseValues().ToArray(); };
        }
        var single = cursor.GetGetter<float>(column);
        return () => { float v = 0; single(ref v); return v; };
    }

    private static object Cell(JsonElement value, DataViewType type, int row, string field)
    {
        string Where() => $"row {row}, field '{field}'";
        if (type is VectorDataViewType { ItemType: NumberDataViewType item, Size: var size } && item.RawType == typeof(float))
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != size)
                throw new BadRequestException($"{Where()}: expected an array of {size} numbers, got {Kind(value)}.");
            return value.EnumerateArray().Select((v, i) => v.ValueKind == JsonValueKind.Number ? v.GetSingle()
                : throw new BadRequestException($"{Where()}[{i}]: expected a number, got {Kind(v)}.")).ToArray();
        }
        if (type is TextDataViewType)
            return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.ValueKind == JsonValueKind.Null ? ""
                : throw new BadRequestException($"{Where()}: expected a string, got {Kind(value)}.");
        if (type == BooleanDataViewType.Instance)
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
                : throw new BadRequestException($"{Where()}: expected true or false, got {Kind(value)}.");
        if (type is NumberDataViewType number)
        {
            if (value.ValueKind == JsonValueKind.Null && number.RawType == typeof(float))
                return float.NaN; // a missing number, which the featurization replaces as it does an empty CSV cell
            if (value.ValueKind != JsonValueKind.Number)
                throw new BadRequestException($"{Where()}: expected a number, got {Kind(value)}.");
            if (number.RawType == typeof(float))
                return value.GetSingle();
            if (number.RawType == typeof(double))
                return value.GetDouble();
            if (number.RawType == typeof(int) && value.TryGetInt32(out int i))
                return i;
            if (number.RawType == typeof(long) && value.TryGetInt64(out long l))
                return l;
            throw new BadRequestException($"{Where()}: expected an integer ({number}), got {value.GetRawText()}.");
        }
        throw new BadRequestException($"{Where()}: the model reads it as {type}, which the server does not take from JSON.");
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => $"an array of {value.GetArrayLength()}",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>A column's type as a JSON value.</summary>
    public static string Describe(DataViewType type) => type switch
    {
        TextDataViewType => "string",
        BooleanDataViewType => "boolean",
        VectorDataViewType vector => $"array of {vector.Size} numbers",
        _ => "number",
    };
}

/// <summary>A request the server refuses with 400 and this message.</summary>
internal sealed class BadRequestException(string message) : Exception(message);

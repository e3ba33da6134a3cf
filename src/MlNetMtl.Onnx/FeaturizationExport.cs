using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.MLNet;
using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>
/// Writes a featurization's transformers into one ONNX graph, one at a time: each through ML.NET's converter
/// (<c>ConvertToOnnx</c> on the data as it reaches that transformer), its fragment's names made unique and its inputs joined
/// to the tensors earlier transformers left; the transforms ML.NET cannot convert that MlNetMtl's featurization uses
/// (quantile bins and their indicators, multi-valued columns, n-gram text, sentence and image vectors) are written by
/// <see cref="BinnedFeatureExport"/>, <see cref="TokenBagExport"/>, <see cref="TextNGramExport"/> and <see cref="PretrainedEncoderExport"/>.
/// </summary>
internal sealed class FeaturizationExport
{
    private readonly MLContext _ml;
    private readonly Dictionary<string, string> _columns = new(StringComparer.Ordinal);
    private readonly BinnedFeatureExport _bins;
    private readonly TokenBagExport _bags;
    private readonly TextNGramExport _text;
    private readonly PretrainedEncoderExport _encoders;

    public FeaturizationExport(MLContext ml, OnnxGraphWriter writer)
    {
        _ml = ml;
        Writer = writer;
        _bins = new BinnedFeatureExport(ml, writer);
        _bags = new TokenBagExport(ml, writer);
        _text = new TextNGramExport(ml, writer);
        _encoders = new PretrainedEncoderExport(writer);
    }

    public OnnxGraphWriter Writer { get; }

    /// <summary>
    /// Transforms ML.NET's converter writes but ONNX Runtime does not reproduce: its tokenizer operator with the separators
    /// unescaped (measured: a bag "a|b" split at '|' came back with no tokens). A word tokenizer feeding a bag is written by
    /// <see cref="TokenBagExport"/>, FeaturizeText's n-grams by <see cref="TextNGramExport"/>; any other tokenizer is refused
    /// rather than exported wrong.
    /// </summary>
    private static readonly string[] Unfaithful = ["WordTokenizingTransformer", "TokenizingByCharactersTransformer"];

    /// <summary>The raw input columns the graph reads, by name (their ML.NET types as ML.NET's converter declares them).</summary>
    public Dictionary<string, ValueInfoProto> Inputs { get; } = new(StringComparer.Ordinal);

    /// <summary>The image columns the graph reads as pixels, in the order their inputs were declared.</summary>
    public List<ImageInput> Images { get; } = [];

    /// <summary>The highest opset of each operator domain the fragments use.</summary>
    public Dictionary<string, long> Opsets { get; } = new(StringComparer.Ordinal) { [""] = Networks.Export.GraphWriter.Opset };

    /// <summary>The tensor holding <paramref name="column"/> now: the last transformer's output of that name, else the raw input.</summary>
    public string Tensor(string column) => _columns.TryGetValue(column, out var tensor) ? tensor : column;

    /// <summary>The tensor holding <paramref name="column"/>, declared a graph input (of its ML.NET type, [rows, width]) when no transform wrote it.</summary>
    public string Read(DataViewSchema.Column column)
    {
        if (_columns.TryGetValue(column.Name, out var tensor))
            return tensor;
        if (!Inputs.ContainsKey(column.Name))
        {
            var item = column.Type is VectorDataViewType vector ? vector.ItemType : column.Type;
            var type = item switch
            {
                TextDataViewType => TensorProto.Types.DataType.String,
                BooleanDataViewType => TensorProto.Types.DataType.Bool,
                NumberDataViewType n when n.RawType == typeof(float) => TensorProto.Types.DataType.Float,
                NumberDataViewType n when n.RawType == typeof(double) => TensorProto.Types.DataType.Double,
                NumberDataViewType n when n.RawType == typeof(int) => TensorProto.Types.DataType.Int32,
                NumberDataViewType n when n.RawType == typeof(long) => TensorProto.Types.DataType.Int64,
                _ => throw new NotSupportedException($"Column '{column.Name}' holds {column.Type}, which the ONNX export does not read as an input."),
            };
            Inputs[column.Name] = PipelineExport.Tensor(column.Name, type, column.Type is VectorDataViewType { Size: > 0 } known ? known.Size : 1);
        }
        return column.Name;
    }

    /// <summary>Writes <paramref name="transformer"/>, which reads <paramref name="data"/>.</summary>
    /// <exception cref="NotSupportedException">Neither ML.NET's converter nor MlNetMtl can write it (the transformer and its columns are named).</exception>
    public void Add(ITransformer transformer, IDataView data)
    {
        // New or replaced columns: a name the output schema holds more often than the input (a replaced column stays, hidden).
        var output = transformer.GetOutputSchema(data.Schema);
        var produced = output.Where(c => !c.IsHidden && output.Count(o => o.Name == c.Name) > data.Schema.Count(i => i.Name == c.Name)).Select(c => c.Name).ToArray();
        if (produced.Length == 0)
            return; // drops or selects columns only: nothing the features need
        if (_bins.TryWrite(transformer, data, produced, this) || _bags.TryWrite(transformer, data, produced, this) || _text.TryWrite(transformer, data, produced, this)
            || _encoders.TryWrite(transformer, data, produced, this))
            return;
        if (Unfaithful.Contains(transformer.GetType().Name))
            throw Refusal(transformer, produced, "ML.NET's converter writes it with a tokenizer whose output ONNX Runtime does not reproduce.");
        ModelProto fragment;
        try
        {
            // Converted on the columns it reads alone: the converter declares every column of its data as an input and
            // refuses some it need not read (the earlier transforms' outputs, hidden columns).
            var builder = new DataViewSchema.Builder();
            foreach (var column in _ml.MultiTask().InputColumns(transformer, data.Schema))
                builder.AddColumn(column.Name, column.Type, column.Annotations);
            using var stream = new MemoryStream();
            _ml.Model.ConvertToOnnx(transformer, new EmptyDataView(builder.ToSchema()), stream);
            fragment = ModelProto.Parser.ParseFrom(stream.ToArray());
        }
        catch (Exception error) when (error is InvalidOperationException or NotSupportedException or NotImplementedException or ArgumentException or KeyNotFoundException)
        {
            throw Refusal(transformer, produced, "neither ML.NET's converter nor MlNetMtl writes it.");
        }
        try
        {
            Merge(fragment, produced);
        }
        catch (Exception error) when (error is KeyNotFoundException or InvalidOperationException)
        {
            throw Refusal(transformer, produced, $"ML.NET's converter writes it as a fragment that does not join the graph ({error.Message}).");
        }
    }

    /// <summary>The error that names a transform, the columns it makes and why it is not exported.</summary>
    internal static NotSupportedException Refusal(ITransformer transformer, string[] produced, string reason) =>
        new($"{Describe(transformer)} producing {string.Join(", ", produced.Select(c => $"'{c}'"))} cannot be exported to ONNX: {reason}");

    /// <summary>Records that <paramref name="column"/> is now held by <paramref name="tensor"/>.</summary>
    public void Set(string column, string tensor) => _columns[column] = tensor;

    /// <summary>The transformer's kind as a user knows it: its ML.NET class without the ending (a nested <c>Transformer</c> by its estimator's name).</summary>
    public static string Describe(ITransformer transformer)
    {
        var type = transformer.GetType();
        string name = type.Name == "Transformer" && type.DeclaringType is { } outer ? outer.Name : type.Name;
        foreach (string ending in new[] { "Transformer", "Estimator" })
            if (name.EndsWith(ending, StringComparison.Ordinal) && name.Length > ending.Length)
                name = name[..^ending.Length];
        return $"The {name} transform";
    }

    private void Merge(ModelProto fragment, string[] produced)
    {
        var graph = fragment.Graph;
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { [""] = "" };
        foreach (var input in graph.Input)
        {
            if (_columns.TryGetValue(input.Name, out var tensor))
                names[input.Name] = tensor;
            else
            {
                names[input.Name] = input.Name;
                Inputs.TryAdd(input.Name, input.Clone());
            }
        }
        foreach (var initializer in graph.Initializer)
        {
            var copy = initializer.Clone();
            copy.Name = names[initializer.Name] = Writer.Unique(initializer.Name);
            Writer.Graph.Initializer.Add(copy);
        }
        foreach (var node in graph.Node)
            Writer.Graph.Node.Add(Writer.Renamed(node, names));
        foreach (string column in produced)
            if (graph.Output.LastOrDefault(o => o.Name == column + ".output") is { } output) // the last: a column replaced in place (a key made a vector) is output twice
                _columns[column] = names[output.Name];
        foreach (var opset in fragment.OpsetImport)
            Opsets[opset.Domain] = Math.Max(opset.Version, Opsets.GetValueOrDefault(opset.Domain));
    }
}

using System.Reflection;

namespace MlNetMtl.Networks.Encoders;

/// <summary>
/// What turns a batch of feature rows into the dense rows an architecture reads, with its own parameters; the backward pass
/// takes dL/d(encoded rows). Null where the architecture's first layer reads the features itself (<see cref="InputEncoding.OneHot"/>).
/// </summary>
internal abstract class InputEncoder
{
    /// <summary>
    /// The encoder <paramref name="options"/> describe for <paramref name="dimension"/>-wide features laid out as
    /// <paramref name="fields"/> (null: unknown, one field per slot); null where the first layer reads the features (one-hot).
    /// </summary>
    public static InputEncoder? Create(EncoderOptions options, int dimension, FieldLayout? fields)
    {
        options = options.Resolve(fields);
        return Types.Value.TryGetValue(options.Encoding, out var type)
            ? (InputEncoder)Activator.CreateInstance(type, fields ?? FieldLayout.OnePerSlot(dimension), options)!
            : null;
    }

    /// <summary>Each encoding's encoder class (those of this folder, found by their <see cref="InputEncoderForAttribute"/>); OneHot has none.</summary>
    private static readonly Lazy<Dictionary<InputEncoding, Type>> Types = new(() => typeof(InputEncoder).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(InputEncoder)) && !t.IsAbstract)
        .ToDictionary(t => t.GetCustomAttribute<InputEncoderForAttribute>()?.Encoding
            ?? throw new InvalidOperationException($"Encoder {t.Name} does not say which InputEncoding it is ([InputEncoderFor])."), t => t));

    /// <summary>The options that build this encoder again.</summary>
    public abstract EncoderOptions Options { get; }
    /// <summary>The fields of the input rows.</summary>
    public abstract FieldLayout Fields { get; }
    /// <summary>Width of an input row.</summary>
    public int InputDimension => Fields.Dimension;
    /// <summary>Width of an encoded row.</summary>
    public abstract int Width { get; }
    /// <summary>The trainable parameters.</summary>
    public abstract IReadOnlyList<Parameter> Parameters { get; }
    /// <summary>The weights with one row per input slot (which pretrained vectors initialise).</summary>
    public abstract IEnumerable<Parameter> InputWeights { get; }

    /// <summary>Seeded initialisation.</summary>
    public abstract void Initialize(Random random);
    /// <summary>Buffers for up to <paramref name="capacity"/> rows.</summary>
    public abstract EncoderState CreateState(int capacity);
    /// <summary>Encodes <paramref name="input"/>; returns the encoded rows (rows × <see cref="Width"/>).</summary>
    public abstract ReadOnlySpan<float> Forward(InputBatch input, EncoderState state);
    /// <summary>Writes the inference pass on dense <paramref name="features"/> ([rows, <see cref="InputDimension"/>]); returns the encoded rows' name.</summary>
    public abstract string Export(Export.GraphWriter graph, string features);
    /// <summary>From dL/d(encoded rows) (overwritten), leaves the parameters' gradients.</summary>
    public abstract void Backward(InputBatch input, EncoderState state, Span<float> outputGradient);
    /// <summary>An encoder of the same shape with its own parameters (a training replica shares their values afterwards).</summary>
    public InputEncoder CreateSibling() => Create(Options, InputDimension, Fields)!;
}

/// <summary>Names the <see cref="InputEncoding"/> an encoder class implements; the class has a (FieldLayout, EncoderOptions) constructor.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class InputEncoderForAttribute(InputEncoding encoding) : Attribute
{
    public InputEncoding Encoding { get; } = encoding;
}

/// <summary>An encoder's buffers for one forward/backward pass.</summary>
internal abstract class EncoderState(int capacity, int width)
{
    /// <summary>The encoded rows of the last forward pass.</summary>
    public float[] Output { get; } = new float[capacity * width];
}

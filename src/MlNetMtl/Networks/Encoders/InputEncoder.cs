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
        return options.Encoding == InputEncoding.Embedding ? new FieldEmbeddingEncoder(fields ?? FieldLayout.OnePerSlot(dimension), options) : null;
    }

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

    /// <summary>Seeded initialisation.</summary>
    public abstract void Initialize(Random random);
    /// <summary>Buffers for up to <paramref name="capacity"/> rows.</summary>
    public abstract EncoderState CreateState(int capacity);
    /// <summary>Encodes <paramref name="input"/>; returns the encoded rows (rows × <see cref="Width"/>).</summary>
    public abstract ReadOnlySpan<float> Forward(InputBatch input, EncoderState state);
    /// <summary>From dL/d(encoded rows) (overwritten), leaves the parameters' gradients.</summary>
    public abstract void Backward(InputBatch input, EncoderState state, Span<float> outputGradient);
    /// <summary>An encoder of the same shape with its own parameters (a training replica shares their values afterwards).</summary>
    public InputEncoder CreateSibling() => Create(Options, InputDimension, Fields)!;
}

/// <summary>An encoder's buffers for one forward/backward pass.</summary>
internal abstract class EncoderState(int capacity, int width)
{
    /// <summary>The encoded rows of the last forward pass.</summary>
    public float[] Output { get; } = new float[capacity * width];
}

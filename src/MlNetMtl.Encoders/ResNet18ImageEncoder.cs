using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MlNetMtl.MLNet.Images;
using MlNetMtl.MLNet.Pretrained;
using Onnx;
using SkiaSharp;

namespace MlNetMtl.Encoders;

/// <summary>
/// ResNet18 trained on ImageNet (the ONNX files of ML.NET's Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, MIT), the
/// way ML.NET's <c>DnnImageFeaturizer</c> reads it: an image file is decoded (SkiaSharp: PNG, JPEG, BMP, GIF, WebP, ICO),
/// scaled so its short side is <see cref="Side"/> pixels and centre-cropped to a square, bilinearly; its red, green and
/// blue planes (0–255, alpha ignored) go through the package's preprocessing model (channels to BGR, ImageNet mean image
/// subtracted) and the network; the output is its last average pooling, <see cref="VectorSize"/> non-negative values.
/// One image per run (the package's model declares a batch of one), so a vector never depends on the other images. The ONNX export
/// writes the same computation from the pixels (<see cref="ReadPixels"/>, <see cref="OnnxModel"/>).
/// </summary>
public sealed class ResNet18ImageEncoder : IImageEncoder, IOnnxWritableEncoder
{
    /// <summary>The square the network reads, in pixels.</summary>
    public const int Side = 224;
    /// <summary>The vectors' size.</summary>
    public const int VectorSize = 512;
    private const string ModelPackage = "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1";
    private const int Plane = Side * Side;

    private static readonly Lazy<byte[]> PreprocessBytes = new(() => Resource("ResNetPreprocess.onnx"));
    private static readonly Lazy<byte[]> NetworkBytes = new(() => Resource("ResNet18.onnx"));
    private readonly Lazy<InferenceSession> _preprocess, _network;

    /// <summary>The encoder on every core.</summary>
    public ResNet18ImageEncoder()
        : this(threads: 0)
    {
    }

    /// <summary>The encoder on <paramref name="threads"/> threads (0: ONNX Runtime's default, every core); the vectors do not depend on it.</summary>
    public ResNet18ImageEncoder(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = threads;
        _preprocess = OnnxSessions.Get("ResNetPreprocess", PreprocessBytes, threads);
        _network = OnnxSessions.Get(Name, NetworkBytes, threads);
    }

    /// <summary>The threads ONNX Runtime runs on (0: every core).</summary>
    public int Threads { get; }

    /// <inheritdoc/>
    public string Name => "ResNet18";
    /// <inheritdoc/>
    public string Version => $"{ModelPackage}; short side scaled to {Side}, centre crop, bilinear; RGB 0-255 through ResNetPreprocess; pooled {VectorSize}";
    /// <inheritdoc/>
    public string Package => ImageEncoders.EncodersPackage;
    /// <inheritdoc/>
    public int Dimension => VectorSize;
    /// <inheritdoc/>
    public int ImageSize => Side;

    /// <inheritdoc/>
    /// <exception cref="InvalidDataException">A file is not an image SkiaSharp can decode (it is named).</exception>
    public void Encode(IReadOnlyList<string> inputs, Span<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (vectors.Length != inputs.Count * VectorSize)
            throw new ArgumentException($"{vectors.Length} values cannot hold {inputs.Count} vectors of {VectorSize}.", nameof(vectors));
        var pixels = new float[3 * Plane];
        long[] shape = [1, 3, Side, Side];
        for (int i = 0; i < inputs.Count; i++)
        {
            ReadPlanes(inputs[i], pixels);
            using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
            using var runOptions = new RunOptions();
            using var preprocessed = _preprocess.Value.Run(runOptions, ["OriginalInput"], [input], ["PreprocessedInput"]);
            using var pooled = _network.Value.Run(runOptions, ["Input247"], [preprocessed[0]], ["Pooling395_Output_0"]);
            pooled[0].GetTensorDataAsSpan<float>().CopyTo(vectors.Slice(i * VectorSize, VectorSize));
        }
    }

    /// <inheritdoc/>
    /// <remarks>Decoded by SkiaSharp, the short side scaled to <see cref="Side"/> and centre-cropped, bilinearly.</remarks>
    public void ReadPixels(string path, Span<float> pixels)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (pixels.Length != 3 * Plane)
            throw new ArgumentException($"{pixels.Length} values cannot hold the 3 × {Side} × {Side} pixels of an image.", nameof(pixels));
        ReadPlanes(path, pixels);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The package's two models joined: the preprocessing's nodes (channels to BGR, mean image subtracted) read the pixels
    /// and feed the network, whose last pooling ([n, 512, 1, 1]) is flattened to the vectors. Every operator computes each
    /// image alone (convolutions, normalisation by fixed statistics, pooling, sums), so the number of images is left open:
    /// ONNX Runtime gives each image the bits <see cref="Encode"/> gives it, whatever the batch (tested). Opset 8, as the
    /// package wrote them.
    /// </remarks>
    public byte[] OnnxModel()
    {
        var preprocess = ModelProto.Parser.ParseFrom(PreprocessBytes.Value).Graph;
        var model = ModelProto.Parser.ParseFrom(NetworkBytes.Value);
        var graph = model.Graph;
        // The preprocessing's tensors named apart from the network's: its input becomes the pixels, its output the network's input.
        const string Prefix = "resnet.preprocess.";
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { [preprocess.Input[0].Name] = "pixels", [preprocess.Output[0].Name] = graph.Input[0].Name };
        string Renamed(string name) => names.TryGetValue(name, out var renamed) ? renamed : names[name] = Prefix + name;
        var network = graph.Node.ToArray();
        graph.Node.Clear();
        foreach (var initializer in preprocess.Initializer)
        {
            var copy = initializer.Clone();
            copy.Name = Renamed(initializer.Name);
            graph.Initializer.Add(copy);
        }
        foreach (var node in preprocess.Node)
        {
            var copy = node.Clone();
            copy.Name = Prefix + (node.Name.Length > 0 ? node.Name : node.OpType);
            for (int i = 0; i < copy.Input.Count; i++)
                copy.Input[i] = Renamed(copy.Input[i]);
            for (int i = 0; i < copy.Output.Count; i++)
                copy.Output[i] = Renamed(copy.Output[i]);
            graph.Node.Add(copy);
        }
        graph.Node.Add(network);
        graph.Initializer.Add(new TensorProto { Name = "resnet.vector.shape", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 2 }, Int64Data = { -1, VectorSize } });
        graph.Node.Add(OnnxValues.Node("Reshape", "resnet.flatten", [graph.Output[0].Name, "resnet.vector.shape"], "vectors"));
        graph.Input.Clear();
        graph.Input.Add(OnnxValues.Tensor("pixels", TensorProto.Types.DataType.Float, "images", 3, Side, Side));
        graph.Output.Clear();
        graph.Output.Add(OnnxValues.Tensor("vectors", TensorProto.Types.DataType.Float, "images", VectorSize));
        graph.ValueInfo.Clear(); // the package's shapes of intermediate values, with a batch of one
        return model.ToByteArray();
    }

    /// <summary>Decodes <paramref name="path"/>, scales and crops it to <see cref="Side"/>², and writes its R, G and B planes into <paramref name="planes"/>.</summary>
    private static void ReadPlanes(string path, Span<float> planes)
    {
        using var decoded = SKBitmap.Decode(path)
            ?? throw new InvalidDataException($"{path} is not an image that can be read (PNG, JPEG, BMP, GIF, WebP or ICO).");
        // The centred square of the short side, scaled to Side × Side: the whole short side is kept, the long side's ends are cut.
        int square = Math.Min(decoded.Width, decoded.Height);
        var crop = SKRectI.Create((decoded.Width - square) / 2, (decoded.Height - square) / 2, square, square);
        using var cropped = new SKBitmap();
        if (!decoded.ExtractSubset(cropped, crop))
            throw new InvalidDataException($"{path}: its {decoded.Width} × {decoded.Height} pixels could not be cropped.");
        using var scaled = cropped.Resize(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))
            ?? throw new InvalidDataException($"{path}: its {decoded.Width} × {decoded.Height} pixels could not be scaled to {Side} × {Side}.");
        var rgba = scaled.GetPixelSpan();
        for (int p = 0; p < Plane; p++)
        {
            planes[p] = rgba[4 * p];
            planes[Plane + p] = rgba[4 * p + 1];
            planes[2 * Plane + p] = rgba[4 * p + 2];
        }
    }

    private static byte[] Resource(string name) => OnnxSessions.Resource(typeof(ResNet18ImageEncoder).Assembly, name, $"{ImageEncoders.EncodersPackage} ({ModelPackage})");
}

using Microsoft.ML.OnnxRuntime;
using MlNetMtl.MLNet.Images;
using SkiaSharp;

namespace MlNetMtl.Encoders;

/// <summary>
/// ResNet18 trained on ImageNet (the ONNX files of ML.NET's Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, MIT), the
/// way ML.NET's <c>DnnImageFeaturizer</c> reads it: an image file is decoded (SkiaSharp: PNG, JPEG, BMP, GIF, WebP, ICO),
/// scaled so its short side is <see cref="Side"/> pixels and centre-cropped to a square, bilinearly; its red, green and
/// blue planes (0–255, alpha ignored) go through the package's preprocessing model (channels to BGR, ImageNet mean image
/// subtracted) and the network; the output is its last average pooling, <see cref="VectorSize"/> non-negative values.
/// One image per run (the model's batch is fixed at one), so a vector never depends on the other images.
/// </summary>
public sealed class ResNet18ImageEncoder : IImageEncoder
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

    /// <summary>Decodes <paramref name="path"/>, scales and crops it to <see cref="Side"/>², and writes its R, G and B planes into <paramref name="planes"/>.</summary>
    internal static void ReadPlanes(string path, float[] planes)
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

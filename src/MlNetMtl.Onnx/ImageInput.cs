using System.Text.Json;
using MlNetMtl.MLNet.Images;
using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.Onnx;

/// <summary>
/// An image column of an exported model. An ONNX graph cannot open the files the column names, so it reads, in its place,
/// the input <see cref="Input"/> (<c>cover.Pixels</c>): float [rows, 3, <see cref="Side"/>, <see cref="Side"/>], each row
/// the red, green and blue planes (0–255) of its image as the encoder reads it (<see cref="IImageEncoder.ReadPixels"/>:
/// decoded, short side scaled to <see cref="Side"/>, centre-cropped, bilinearly). A row whose values are all negative
/// (<see cref="Missing"/>) stands for an empty cell and gives the zero vector, as in ML.NET. The model's metadata entry
/// <see cref="Key"/> lists these inputs (JSON), so <see cref="OnnxPipelineScorer"/> reads the pixels from the paths as
/// training read the images, and a serving system can find what to send.
/// </summary>
/// <param name="Input">The graph input: the column's name and <see cref="Suffix"/>.</param>
/// <param name="Column">The column of image paths.</param>
/// <param name="Folder">The folder relative paths are read from (the model's), or null for the current directory.</param>
/// <param name="Side">The side of the square of pixels.</param>
/// <param name="EncoderType">The encoder's type, as a saved model names it.</param>
/// <param name="EncoderAssembly">The encoder's assembly.</param>
/// <param name="Package">The encoder's NuGet package.</param>
/// <param name="Encoder">The encoder's name.</param>
/// <param name="Version">The encoder's version: what fixes its pixels and vectors.</param>
internal sealed record ImageInput(string Input, string Column, string? Folder, int Side, string EncoderType, string EncoderAssembly, string Package, string Encoder, string Version)
{
    /// <summary>The metadata entry listing a model's image inputs.</summary>
    public const string Key = "mlnetmtl.image-inputs";
    /// <summary>What an image column's name is followed by in its input's name.</summary>
    public const string Suffix = ".Pixels";
    /// <summary>The value every pixel of a missing image's row holds (a row whose values are all negative is read so).</summary>
    public const float Missing = -1f;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The input of <paramref name="column"/>, embedded by <paramref name="encoder"/> from <paramref name="folder"/>.</summary>
    public static ImageInput For(string column, IImageEncoder encoder, string? folder)
    {
        var type = encoder.GetType();
        return new(column + Suffix, column, folder, encoder.ImageSize, type.FullName!, type.Assembly.GetName().Name!, encoder.Package, encoder.Name, encoder.Version);
    }

    /// <summary>Values in one row: the three planes.</summary>
    public int Width => 3 * Side * Side;

    /// <summary>The contract in words, for the graph input's documentation.</summary>
    public string Description =>
        $"The image named in column '{Column}' as {Encoder} reads it: its red, green and blue planes, {Side} x {Side} values each (0-255, row by row), " +
        $"the image decoded, its short side scaled to {Side} and centre-cropped, bilinearly ({EncoderType}.ReadPixels, package {Package}). " +
        $"A row of negative values ({Missing}) is a missing image.";

    /// <summary>The metadata value listing <paramref name="inputs"/>.</summary>
    public static string Write(IEnumerable<ImageInput> inputs) => JsonSerializer.Serialize(inputs.ToArray(), Json);

    /// <summary>The image inputs a model's metadata lists, by input name (none when it has no entry).</summary>
    /// <exception cref="InvalidDataException">The entry is not the list this class writes.</exception>
    public static Dictionary<string, ImageInput> Read(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(Key, out var value))
            return new(StringComparer.Ordinal);
        try
        {
            var inputs = JsonSerializer.Deserialize<ImageInput[]>(value, Json) ?? [];
            return inputs.ToDictionary(i => i.Input, StringComparer.Ordinal);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"The ONNX model's metadata entry '{Key}' is not a list of image inputs: {error.Message}");
        }
    }

    /// <summary>The encoder this input was exported with, made in this process, for its pixels.</summary>
    /// <exception cref="InvalidOperationException">The encoder's package is missing, or reads images otherwise than at export (both named).</exception>
    public IImageEncoder CreateEncoder()
    {
        var current = PretrainedEncoders.Create<IImageEncoder>(EncoderType, EncoderAssembly, Package, Encoder);
        return current.ForVersion(Version) as IImageEncoder
            ?? throw new InvalidOperationException($"The ONNX model reads '{Input}' as {Encoder} '{Version}' read its images; this process has '{current.Version}', " +
                $"whose pixels may differ: use the version of {Package} the model was exported with.");
    }
}

using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.MLNet.Images;

/// <summary>
/// A pretrained image encoder: <see cref="IPretrainedEncoder.Encode"/> reads image files, given by full path (the
/// transform resolves a column's relative paths against its image folder and checks that each file exists).
/// </summary>
public interface IImageEncoder : IPretrainedEncoder
{
    /// <summary>The side, in pixels, of the square every image is scaled and centre-cropped to before the model reads it.</summary>
    int ImageSize { get; }

    /// <summary>
    /// Writes the pixels the encoder's network reads from the image file at <paramref name="path"/>: its red, green and
    /// blue planes, <see cref="ImageSize"/>² values each (row by row, 0–255), in that order — what an exported ONNX graph
    /// takes in place of the file.
    /// </summary>
    /// <param name="path">The image file's full path.</param>
    /// <param name="pixels">3 × <see cref="ImageSize"/>² values.</param>
    /// <exception cref="InvalidDataException">The file is not an image the encoder can decode (it is named).</exception>
    void ReadPixels(string path, Span<float> pixels);
}

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
}

using Microsoft.ML;
using MlNetMtl.MLNet.Persistence;
using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.MLNet.Images;

/// <summary>Image embedding in ML.NET's transforms catalog, beside its own image transforms: <c>mlContext.Transforms.EmbedImages(...)</c>.</summary>
public static class ImageEmbeddingCatalog
{
    /// <summary>Appends <paramref name="outputColumnName"/>, the pretrained <paramref name="encoder"/>'s vector of the image file named in <paramref name="inputColumnName"/>.</summary>
    /// <param name="catalog">The transforms.</param>
    /// <param name="outputColumnName">The vector column appended (<see cref="IPretrainedEncoder.Dimension"/> Singles).</param>
    /// <param name="inputColumnName">The text column of image paths (PNG, JPEG, BMP, GIF, WebP …); null for the same name as the output.</param>
    /// <param name="encoder">The encoder, e.g. <see cref="ImageEncoders.ResNet18"/>.</param>
    /// <param name="imageFolder">The folder relative paths are read from, saved with the model; null for the current directory.</param>
    /// <param name="cache">The vectors already encoded; null for <see cref="EmbeddingCache.Default"/>.</param>
    public static PretrainedEmbeddingEstimator EmbedImages(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName,
        IImageEncoder encoder, string? imageFolder = null, EmbeddingCache? cache = null) =>
        catalog.EmbedImages([new InputOutputColumnPair(outputColumnName, inputColumnName ?? outputColumnName)], encoder, imageFolder, cache);

    /// <summary>Appends each pair's output column, the vector of the image named in its input column; the columns share one encoder, folder and cache.</summary>
    public static PretrainedEmbeddingEstimator EmbedImages(this TransformsCatalog catalog, InputOutputColumnPair[] columns, IImageEncoder encoder,
        string? imageFolder = null, EmbeddingCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(columns);
        MlNetInternals.Register(catalog); // so mlContext.Model.Load finds the transformer's loader
        return new PretrainedEmbeddingEstimator(encoder, columns, cache, imageFolder);
    }
}

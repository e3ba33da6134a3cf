using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.MLNet.Images;

/// <summary>The image encoders MlNetMtl knows by name, found at run time in the package that provides them (the core references none).</summary>
public static class ImageEncoders
{
    /// <summary>The package that provides <see cref="ResNet18"/> (ML.NET's pretrained ResNet18, from Microsoft.ML.DnnImageFeaturizer.ResNet18).</summary>
    public const string EncodersPackage = PretrainedEncoders.EncodersPackage;
    private const string ResNet18Type = "MlNetMtl.Encoders.ResNet18ImageEncoder";

    /// <summary>Whether <see cref="ResNet18"/> can be made in this process (its package is referenced).</summary>
    public static bool ResNet18Available => PretrainedEncoders.Available(ResNet18Type);

    /// <summary>ResNet18 (ImageNet): 512 values per image, its last pooling layer, read from a 224 × 224 centre crop.</summary>
    /// <exception cref="InvalidOperationException">The package <see cref="EncodersPackage"/> is not referenced (it is named).</exception>
    public static IImageEncoder ResNet18() => PretrainedEncoders.Create<IImageEncoder>(ResNet18Type, EncodersPackage, EncodersPackage, "ResNet18");
}

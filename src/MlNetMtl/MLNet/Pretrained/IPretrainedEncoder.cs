namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// A pretrained model that turns one input — a text (<see cref="Text.ITextEncoder"/>) or an image file
/// (<see cref="Images.IImageEncoder"/>) — into a fixed-size vector. Implementations live in packages of their own
/// (<c>MlNetMtl.Encoders</c>) so the core library carries no model; a saved pipeline names its encoder by type,
/// <see cref="Name"/> and <see cref="Version"/>, and loading it needs the same package. An implementation has a public
/// parameterless constructor (how a loaded pipeline makes one), is safe to call from several threads, and gives
/// bit-identical vectors for an input whatever the batch it is in and the threads it runs on.
/// </summary>
public interface IPretrainedEncoder
{
    /// <summary>The model's name, e.g. <c>all-MiniLM-L6-v2</c>.</summary>
    string Name { get; }
    /// <summary>What fixes the vectors — model file, preprocessing; a cached or saved vector is reused only under the same value.</summary>
    string Version { get; }
    /// <summary>The NuGet package that provides this encoder, named when a pipeline that uses it is loaded without it.</summary>
    string Package { get; }
    /// <summary>The vectors' size.</summary>
    int Dimension { get; }

    /// <summary>Encodes <paramref name="inputs"/> (none empty) into <paramref name="vectors"/>, row-major, <see cref="Dimension"/> values per input.</summary>
    void Encode(IReadOnlyList<string> inputs, Span<float> vectors);

    /// <summary>
    /// The encoder that gives the vectors of <paramref name="version"/> — this one when it is <see cref="Version"/>, an
    /// earlier way of this package's (how a model saved before a change of preprocessing still loads), else null.
    /// </summary>
    IPretrainedEncoder? ForVersion(string version) => version == Version ? this : null;
}

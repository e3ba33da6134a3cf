using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.MLNet.Text;

/// <summary>A pretrained sentence encoder: <see cref="IPretrainedEncoder.Encode"/> reads texts.</summary>
public interface ITextEncoder : IPretrainedEncoder
{
    /// <summary>The most tokens of a text the model reads; the rest of a longer text is cut off.</summary>
    int MaxTokens { get; }
}

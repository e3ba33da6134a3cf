namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// A pretrained encoder the ONNX export (package <c>MlNetMtl.Onnx</c>) writes into the exported graph, so the graph reads
/// the raw column and reproduces <see cref="IPretrainedEncoder.Encode"/>.
/// </summary>
public interface IOnnxWritableEncoder : IPretrainedEncoder
{
    /// <summary>
    /// The encoder on one input as a serialized ONNX model: one graph input (a text: string, shape [1]) and one graph
    /// output (float, shape [1, <see cref="IPretrainedEncoder.Dimension"/>]). It may use ONNX Runtime Extensions' operators
    /// (domain <c>ai.onnx.contrib</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">This encoder cannot be written (the reason is given).</exception>
    byte[] OnnxModel();
}

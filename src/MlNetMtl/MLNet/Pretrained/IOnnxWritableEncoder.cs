namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// A pretrained encoder the ONNX export (package <c>MlNetMtl.Onnx</c>) writes into the exported graph, so the graph
/// reproduces <see cref="IPretrainedEncoder.Encode"/>: from the raw text column, or, for an image encoder, from the pixels
/// <see cref="Images.IImageEncoder.ReadPixels"/> gives (an ONNX graph cannot open files).
/// </summary>
public interface IOnnxWritableEncoder : IPretrainedEncoder
{
    /// <summary>
    /// The encoder as a serialized ONNX model: one graph input — a text encoder's texts (string, shape [n]), an image
    /// encoder's pixels (float, shape [n, 3, <see cref="Images.IImageEncoder.ImageSize"/>,
    /// <see cref="Images.IImageEncoder.ImageSize"/>], as <see cref="Images.IImageEncoder.ReadPixels"/> writes them) — and
    /// one graph output (float, shape [n, <see cref="IPretrainedEncoder.Dimension"/>]). The first dimension n is 1 when the
    /// model reads one input per run (the export runs it on each row in turn), or symbolic when it reads any number at
    /// once and computes each alone, to the same bits (the export runs it on every row at once). It may use ONNX Runtime
    /// Extensions' operators (domain <c>ai.onnx.contrib</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">This encoder cannot be written (the reason is given).</exception>
    byte[] OnnxModel();
}

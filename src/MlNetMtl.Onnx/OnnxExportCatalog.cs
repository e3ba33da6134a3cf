using Google.Protobuf;
using Microsoft.ML;
using MlNetMtl.IO;
using MlNetMtl.MLNet;

namespace MlNetMtl.Onnx;

/// <summary>ONNX export of MlNetMtl pipelines: <c>mlContext.MultiTask().ExportOnnx(model, inputSchema, stream)</c>.</summary>
public static class OnnxExportCatalog
{
    /// <summary>The ONNX IR version of exported models.</summary>
    public const long IrVersion = PipelineExport.IrVersion;

    /// <summary>The default-domain (ai.onnx) opset of exported models.</summary>
    public const int Opset = Networks.Export.GraphWriter.Opset;

    /// <summary>
    /// Writes <paramref name="model"/> — its featurization and its multi-task network — as one ONNX model reading the raw
    /// columns of <paramref name="inputSchema"/> (those the model uses) and giving one output per ML.NET output column, named
    /// alike (<c>click.Probability</c>; ESMM's <c>ctcvr.ConversionProbability</c>). ONNX IR 7, opset 12 (and ai.onnx.ml,
    /// com.microsoft for ML.NET's featurization operators); ONNX Runtime reproduces the ML.NET outputs.
    /// </summary>
    /// <param name="catalog">The multi-task catalog.</param>
    /// <param name="model">The trained pipeline (as <c>Fit</c> or <c>LoadModel</c> gives it).</param>
    /// <param name="inputSchema">The schema of the data the model reads (as <c>LoadModel</c> gives it).</param>
    /// <param name="stream">Where the model's bytes go.</param>
    /// <exception cref="NotSupportedException">A transform or the architecture cannot be exported (it is named).</exception>
    public static void ExportOnnx(this MultiTaskCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        PipelineExport.Export(catalog.Context, model, inputSchema).WriteTo(stream);
    }

    /// <summary>
    /// Like <see cref="ExportOnnx(MultiTaskCatalog, ITransformer, DataViewSchema, Stream)"/>, to the file at <paramref name="path"/>:
    /// replaced only once the new model is complete and ONNX Runtime loads it (a failed export leaves the previous file as it was).
    /// </summary>
    public static void ExportOnnx(this MultiTaskCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var proto = PipelineExport.Export(catalog.Context, model, inputSchema); // before the file is touched: an unexportable model leaves nothing
        AtomicFile.Write(path, (string temporary) =>
        {
            using (var stream = File.Create(temporary))
                proto.WriteTo(stream);
            using var check = new OnnxPipelineScorer(temporary, threads: 1); // loads in ONNX Runtime before it replaces anything
        });
    }
}

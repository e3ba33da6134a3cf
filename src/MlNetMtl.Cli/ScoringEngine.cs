namespace MlNetMtl.Cli;

/// <summary>What <c>predict</c> scores the rows with.</summary>
internal enum ScoringEngine
{
    /// <summary>The saved model through ML.NET (MlNetMtl's own engine).</summary>
    MlNet,
    /// <summary>The model exported to ONNX, run by ONNX Runtime.</summary>
    Onnx,
}

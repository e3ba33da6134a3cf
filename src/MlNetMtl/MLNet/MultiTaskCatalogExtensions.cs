using Microsoft.ML;

namespace MlNetMtl.MLNet;

/// <summary>Adds <c>mlContext.MultiTask()</c>, MlNetMtl's entry point, to <see cref="MLContext"/>.</summary>
public static class MultiTaskCatalogExtensions
{
    /// <summary>The multi-task catalog of this context (also registers MlNetMtl's model loader with it).</summary>
    public static MultiTaskCatalog MultiTask(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new MultiTaskCatalog(mlContext);
    }
}

namespace MlNetMtl.Datasets;

/// <summary>How free-text columns (<see cref="ColumnRole.Text"/>) become features.</summary>
public enum TextEncoding
{
    /// <summary>
    /// A pretrained sentence encoder (all-MiniLM-L6-v2, from the package <c>MlNetMtl.Encoders</c>): each text a 384-value
    /// vector that knows what words mean, so an item no one has seen is placed by its text; one dense field per column.
    /// </summary>
    MiniLm,
    /// <summary>Word and character n-grams (ML.NET FeaturizeText), at most <see cref="FeatureSpec.TextFeatures"/> slots: knows only the words seen in training.</summary>
    NGrams,
    /// <summary>Text columns are not used.</summary>
    None,
}

namespace MlNetMtl.Datasets;

/// <summary>
/// Which raw columns feed the features, by role, and how they are encoded — the data of a featurization, from which
/// <see cref="Featurization.Pipeline"/> builds the ML.NET transforms (and generated training code rebuilds them).
/// </summary>
public sealed record FeatureSpec
{
    /// <summary>Low-cardinality text columns, one-hot encoded.</summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];
    /// <summary>Numeric (Single) columns: missing values replaced by the mean, standardized (and binned when <see cref="BinNumeric"/>).</summary>
    public IReadOnlyList<string> Numeric { get; init; } = [];
    /// <summary>Boolean columns, used as 0/1.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
    /// <summary>High-cardinality id columns (text), each hashed into its own share of a sparse space of 2^<see cref="HashBits"/> columns.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
    /// <summary>
    /// Multi-valued text columns (e.g. "Action|Comedy" or tag lists "20,43"): split at <see cref="BagSeparators"/> and
    /// encoded as a bag of one-hot indicators (one slot per value seen in training), one field whose embedding pools its values.
    /// </summary>
    public IReadOnlyList<string> Bags { get; init; } = [];
    /// <summary>
    /// Image-path columns (PNG, JPEG, BMP, GIF, WebP files), each embedded by ResNet18 (package <c>MlNetMtl.Encoders</c>)
    /// into one dense field of 512 values; an empty cell gives zeros.
    /// </summary>
    public IReadOnlyList<string> Images { get; init; } = [];
    /// <summary>The folder relative image paths are read from (the data file's, when inferred); null for the current directory.</summary>
    public string? ImageFolder { get; init; }
    /// <summary>Free-text columns, featurized as <see cref="TextEncoder"/> says.</summary>
    public IReadOnlyList<string> Text { get; init; } = [];
    /// <summary>
    /// How <see cref="Text"/> columns become features. Default <see cref="TextEncoding.MiniLm"/> when its package
    /// (<c>MlNetMtl.Encoders</c>) is referenced, else <see cref="TextEncoding.NGrams"/>.
    /// </summary>
    public TextEncoding TextEncoder { get; init; } = DefaultTextEncoder;
    /// <summary>Also represent numeric columns as 32 quantile bins and one-hot bin indicators (the thresholds a tree would find). Default true.</summary>
    public bool BinNumeric { get; init; } = true;
    /// <summary>Hash bits of the id space. Default 18.</summary>
    public int HashBits { get; init; } = 18;

    /// <summary>The hash bits of each id column: an equal share of the 2^<see cref="HashBits"/> slots (at least 1 bit).</summary>
    public int HashBitsPerId => Math.Max(1, HashBits - (int)Math.Ceiling(Math.Log2(Math.Max(1, Ids.Count))));
    /// <summary>
    /// Most feature slots of all <see cref="Text"/> columns together, split evenly among them (at least <see cref="MinTextFeaturesPerColumn"/>
    /// each): per column the most frequent word unigrams (a quarter), word bigrams (a quarter) and character trigrams (half).
    /// Bounds the first layer, the memory and the model whatever the text. Default 20,000.
    /// </summary>
    public int TextFeatures { get; init; } = 20_000;

    /// <summary>The default <see cref="TextEncoder"/>: the sentence encoder where its package is present.</summary>
    public static TextEncoding DefaultTextEncoder => MLNet.Text.TextEncoders.MiniLmAvailable ? TextEncoding.MiniLm : TextEncoding.NGrams;

    /// <summary>The characters that separate the values of a <see cref="Bags"/> column: bar, semicolon and comma.</summary>
    public static readonly char[] BagSeparators = ['|', ';', ','];

    /// <summary>The fewest slots a text column gets, however many text columns share <see cref="TextFeatures"/>.</summary>
    public const int MinTextFeaturesPerColumn = 64;

    /// <summary>The slots each text column gets: an equal share of <see cref="TextFeatures"/>, at least <see cref="MinTextFeaturesPerColumn"/>.</summary>
    public int TextFeaturesPerColumn => Text.Count == 0 ? 0 : Math.Max(MinTextFeaturesPerColumn, TextFeatures / Text.Count);

    /// <summary>Every raw column read, in role order (text columns unless <see cref="TextEncoder"/> is <see cref="TextEncoding.None"/>).</summary>
    public IEnumerable<string> Columns => Categorical.Concat(Numeric).Concat(Flags).Concat(Ids).Concat(Bags).Concat(Images).Concat(TextEncoder == TextEncoding.None ? [] : Text);

    /// <summary>The file name endings an <see cref="Images"/> column's cells have (case ignored).</summary>
    internal static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>Whether <paramref name="cell"/> names an image file by its ending (<see cref="ImageExtensions"/>).</summary>
    internal static bool IsImagePath(ReadOnlySpan<char> cell)
    {
        foreach (string extension in ImageExtensions)
            if (cell.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }
}

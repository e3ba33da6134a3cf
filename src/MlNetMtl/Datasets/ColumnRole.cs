namespace MlNetMtl.Datasets;

/// <summary>What a column of a data file is for, and so how it is featurized.</summary>
public enum ColumnRole
{
    /// <summary>A number: missing values imputed, standardized and binned.</summary>
    Numeric,
    /// <summary>Two values (0/1, true/false, yes/no): used as 0/1.</summary>
    Boolean,
    /// <summary>Text with few distinct values: one-hot encoded.</summary>
    Categorical,
    /// <summary>An identifier with many distinct values (user, item): hashed into the sparse first layer.</summary>
    Id,
    /// <summary>Free text: a sentence vector (MiniLM) or word and character n-grams, as <see cref="FeatureSpec.TextEncoder"/> says.</summary>
    Text,
    /// <summary>A task's label.</summary>
    Label,
    /// <summary>Not used.</summary>
    Ignore,
    /// <summary>Several values per cell, separated by | ; or , (genres "Action|Comedy", tag lists): a bag of one-hot indicators, one field.</summary>
    MultiValued,
    /// <summary>The path of an image file (.png, .jpg, .jpeg, .bmp, .gif, .webp), relative to the data file's folder or full: its pretrained ResNet18 vector, one dense field.</summary>
    Image,
}

/// <summary>A column of a data file with its role and why it was given it.</summary>
/// <param name="Name">The header name.</param>
/// <param name="Index">The position in the file.</param>
/// <param name="Role">The role.</param>
/// <param name="Reason">Why: what was seen in the rows, or "set by the user".</param>
/// <param name="NumericValues">Whether every present value parses as a number (how the loader reads it).</param>
/// <param name="Profile">What the column holds: value counts, distinct values, the first value that is not a number.</param>
public sealed record InferredColumn(string Name, int Index, ColumnRole Role, string Reason, bool NumericValues, ColumnProfile Profile);

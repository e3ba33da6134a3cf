using Microsoft.ML;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// The saved form of a <see cref="PretrainedEmbeddingTransformer"/>: the column pairs, then the encoder by type, assembly,
/// package, name, version and dimension — the model file holds no encoder weights. Version 2 adds the image folder
/// (version 1, text only, is still read).
/// </summary>
internal static class PretrainedEmbeddingFormat
{
    private const string Magic = "MlNetMtl.SentenceEmbeddingTransformer"; // the entry's first name, kept so version 1 files still read
    private const int WrittenVersion = 2, OldestReadVersion = 1;

    public static void Write(PretrainedEmbeddingTransformer transformer, BinaryWriter writer)
    {
        writer.Write(Magic);
        writer.Write(WrittenVersion);
        writer.Write(transformer.Columns.Count);
        foreach (var pair in transformer.Columns)
        {
            writer.Write(pair.OutputColumnName);
            writer.Write(pair.InputColumnName);
        }
        var encoder = transformer.Encoder;
        var type = encoder.GetType();
        writer.Write(type.FullName!);
        writer.Write(type.Assembly.GetName().Name!);
        writer.Write(encoder.Package);
        writer.Write(encoder.Name);
        writer.Write(encoder.Version);
        writer.Write(encoder.Dimension);
        writer.Write(transformer.ImageFolder is not null);
        if (transformer.ImageFolder is not null)
            writer.Write(transformer.ImageFolder);
    }

    /// <exception cref="InvalidDataException">The entry is damaged or of a newer version.</exception>
    /// <exception cref="InvalidOperationException">The encoder's package is missing, or gives other vectors than the model was built with (both named).</exception>
    public static PretrainedEmbeddingTransformer Read(BinaryReader reader)
    {
        if (reader.ReadString() != Magic)
            throw new InvalidDataException("The model entry is not a pretrained-embedding transformer.");
        int version = reader.ReadInt32();
        if (version is < OldestReadVersion or > WrittenVersion)
            throw new InvalidDataException($"The pretrained-embedding entry has version {version}; this MlNetMtl reads versions {OldestReadVersion} to {WrittenVersion}: update MlNetMtl.");
        int count = reader.ReadInt32();
        if (count is <= 0 or > 100_000)
            throw new InvalidDataException($"The pretrained-embedding entry lists {count} columns: the model file is damaged.");
        var columns = new InputOutputColumnPair[count];
        for (int i = 0; i < count; i++)
        {
            string output = reader.ReadString();
            columns[i] = new InputOutputColumnPair(output, reader.ReadString());
        }
        string typeName = reader.ReadString(), assembly = reader.ReadString(), package = reader.ReadString(), name = reader.ReadString(), saved = reader.ReadString();
        int dimension = reader.ReadInt32();
        string? imageFolder = version >= 2 && reader.ReadBoolean() ? reader.ReadString() : null;
        var current = PretrainedEncoders.Create<IPretrainedEncoder>(typeName, assembly, package, name);
        var encoder = current.ForVersion(saved);
        if (encoder is null || encoder.Dimension != dimension)
            throw new InvalidOperationException($"The model embeds its inputs with {name} '{saved}' ({dimension} dimensions); this process has '{current.Version}' ({current.Dimension}), " +
                $"whose vectors differ: use the version of {package} the model was trained with, or retrain.");
        return new PretrainedEmbeddingTransformer(encoder, columns, cache: null, imageFolder);
    }
}

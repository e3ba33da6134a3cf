using Microsoft.ML;

namespace MlNetMtl.MLNet.Text;

/// <summary>
/// The saved form of a <see cref="SentenceEmbeddingTransformer"/>, version 1: the column pairs, then the encoder by type,
/// assembly, package, name, version and dimension — the model file holds no encoder weights.
/// </summary>
internal static class SentenceEmbeddingFormat
{
    private const string Magic = "MlNetMtl.SentenceEmbeddingTransformer";
    private const int WrittenVersion = 1;

    public static void Write(SentenceEmbeddingTransformer transformer, BinaryWriter writer)
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
    }

    /// <exception cref="InvalidDataException">The entry is damaged or of a newer version.</exception>
    /// <exception cref="InvalidOperationException">The encoder's package is missing, or gives other vectors than the model was built with (both named).</exception>
    public static SentenceEmbeddingTransformer Read(BinaryReader reader)
    {
        if (reader.ReadString() != Magic)
            throw new InvalidDataException("The model entry is not a sentence-embedding transformer.");
        int version = reader.ReadInt32();
        if (version != WrittenVersion)
            throw new InvalidDataException($"The sentence-embedding entry has version {version}; this MlNetMtl reads version {WrittenVersion}: update MlNetMtl.");
        int count = reader.ReadInt32();
        if (count is <= 0 or > 100_000)
            throw new InvalidDataException($"The sentence-embedding entry lists {count} columns: the model file is damaged.");
        var columns = new InputOutputColumnPair[count];
        for (int i = 0; i < count; i++)
        {
            string output = reader.ReadString();
            columns[i] = new InputOutputColumnPair(output, reader.ReadString());
        }
        string typeName = reader.ReadString(), assembly = reader.ReadString(), package = reader.ReadString(), name = reader.ReadString(), saved = reader.ReadString();
        int dimension = reader.ReadInt32();
        var encoder = TextEncoders.Create(typeName, assembly, package, name);
        if (encoder.Version != saved || encoder.Dimension != dimension)
            throw new InvalidOperationException($"The model embeds text with {name} '{saved}' ({dimension} dimensions); this process has '{encoder.Version}' ({encoder.Dimension}), " +
                $"whose vectors differ: use the version of {package} the model was trained with, or retrain.");
        return new SentenceEmbeddingTransformer(encoder, columns, cache: null);
    }
}

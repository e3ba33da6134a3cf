using System.Runtime.InteropServices;

namespace MlNetMtl.Training.Checkpoints;

/// <summary>
/// The checkpoint file's values: arrays written with their length and read back only into arrays of that length, so a
/// checkpoint of another run or a damaged one is refused with what did not fit, never half-loaded.
/// </summary>
internal static class CheckpointStreams
{
    public static void WriteFloats(this BinaryWriter writer, ReadOnlySpan<float> values) => WriteValues(writer, values);

    public static void WriteDoubles(this BinaryWriter writer, ReadOnlySpan<double> values) => WriteValues(writer, values);

    public static void WriteInts(this BinaryWriter writer, ReadOnlySpan<int> values) => WriteValues(writer, values);

    public static void WriteLongs(this BinaryWriter writer, ReadOnlySpan<long> values) => WriteValues(writer, values);

    /// <summary>Reads values <see cref="WriteFloats"/> wrote into <paramref name="destination"/>, which must be as long.</summary>
    /// <exception cref="InvalidDataException">The saved values are of another length (<paramref name="what"/> is named).</exception>
    public static void ReadFloats(this BinaryReader reader, Span<float> destination, string what) => ReadValues(reader, destination, what);

    /// <exception cref="InvalidDataException">The saved values are of another length (<paramref name="what"/> is named).</exception>
    public static void ReadDoubles(this BinaryReader reader, Span<double> destination, string what) => ReadValues(reader, destination, what);

    /// <exception cref="InvalidDataException">The saved values are of another length (<paramref name="what"/> is named).</exception>
    public static void ReadInts(this BinaryReader reader, Span<int> destination, string what) => ReadValues(reader, destination, what);

    /// <exception cref="InvalidDataException">The saved values are of another length (<paramref name="what"/> is named).</exception>
    public static void ReadLongs(this BinaryReader reader, Span<long> destination, string what) => ReadValues(reader, destination, what);

    /// <summary>Doubles of the length that was written.</summary>
    /// <exception cref="InvalidDataException">The length runs past the file's end.</exception>
    public static double[] ReadDoubles(this BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || (long)count * sizeof(double) > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException($"A length of {count} runs past the checkpoint's end: the file is damaged.");
        var values = new double[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static void WriteValues<T>(BinaryWriter writer, ReadOnlySpan<T> values) where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values));
    }

    private static void ReadValues<T>(BinaryReader reader, Span<T> destination, string what) where T : unmanaged
    {
        int saved = reader.ReadInt32();
        if (saved != destination.Length)
            throw new InvalidDataException($"The checkpoint holds {saved:N0} values of {what}; this run has {destination.Length:N0}.");
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(destination));
    }
}

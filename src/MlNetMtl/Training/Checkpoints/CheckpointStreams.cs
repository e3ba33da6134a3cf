namespace MlNetMtl.Training.Checkpoints;

/// <summary>
/// The checkpoint file's values: arrays written with their length and read back only into arrays of that length, so a
/// checkpoint of another run or a damaged one is refused with what did not fit, never half-loaded.
/// </summary>
internal static class CheckpointStreams
{
    public static void WriteFloats(this BinaryWriter writer, ReadOnlySpan<float> values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    /// <summary>Reads values <see cref="WriteFloats"/> wrote into <paramref name="destination"/>, which must be as long.</summary>
    /// <exception cref="InvalidDataException">The saved values are of another length (<paramref name="what"/> is named).</exception>
    public static void ReadFloats(this BinaryReader reader, Span<float> destination, string what)
    {
        ReadLength(reader, destination.Length, what);
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    public static void WriteDoubles(this BinaryWriter writer, ReadOnlySpan<double> values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    /// <exception cref="InvalidDataException">The saved values are of another length (<paramref name="what"/> is named).</exception>
    public static void ReadDoubles(this BinaryReader reader, Span<double> destination, string what)
    {
        ReadLength(reader, destination.Length, what);
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    /// <summary>Doubles of the length that was written.</summary>
    public static double[] ReadDoubles(this BinaryReader reader)
    {
        var values = new double[ReadCount(reader, sizeof(double))];
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public static void WriteInts(this BinaryWriter writer, ReadOnlySpan<int> values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    /// <exception cref="InvalidDataException">The saved values are of another length (<paramref name="what"/> is named).</exception>
    public static void ReadInts(this BinaryReader reader, Span<int> destination, string what)
    {
        ReadLength(reader, destination.Length, what);
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    private static void ReadLength(BinaryReader reader, int expected, string what)
    {
        int saved = reader.ReadInt32();
        if (saved != expected)
            throw new InvalidDataException($"The checkpoint holds {saved:N0} values of {what}; this run has {expected:N0}.");
    }

    private static int ReadCount(BinaryReader reader, int bytesEach)
    {
        int count = reader.ReadInt32();
        if (count < 0 || (long)count * bytesEach > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException($"A length of {count} runs past the checkpoint's end: the file is damaged.");
        return count;
    }
}

namespace MlNetMtl.Training.Distributed;

/// <summary>
/// Rank 0's file, read by every process of a distributed run: rank 0 reads it chunk by chunk and sends each chunk to the
/// others as they all read, so their hosts need not have the file, and no process holds more than a chunk of it. Every
/// process must read the same amounts in the same order (they parse the same format with the same code).
/// </summary>
internal sealed class RankZeroFile : Stream
{
    /// <summary>Bytes sent at a time, unless told otherwise.</summary>
    public const int DefaultChunkBytes = 64 << 20;

    private readonly Communicator _communicator;
    private readonly FileStream? _file;
    private readonly byte[] _chunk;
    private readonly int[] _counts;
    private readonly string _what;
    private byte[] _received = [];
    private int _start, _end;
    private long _position;

    /// <param name="communicator">The processes.</param>
    /// <param name="path">The file, on rank 0's host.</param>
    /// <param name="what">What the file is, for a timeout's message.</param>
    /// <param name="chunkBytes">Bytes sent at a time.</param>
    /// <exception cref="TimeoutException">Another process did not take part within the communicator's timeout.</exception>
    public RankZeroFile(Communicator communicator, string path, string what, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        _communicator = communicator;
        _what = what;
        _counts = new int[communicator.Size];
        _file = communicator.Rank == 0 ? File.OpenRead(path) : null;
        _chunk = new byte[communicator.Rank == 0 ? chunkBytes : 0];
        var lengths = new double[communicator.Size];
        communicator.AllGather([_file?.Length ?? 0], lengths, $"the length of {what}");
        Length = (long)lengths[0];
    }

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position == Length)
            return 0;
        if (_start == _end)
            Receive();
        int count = Math.Min(buffer.Length, _end - _start);
        _received.AsSpan(_start, count).CopyTo(buffer);
        _start += count;
        _position += count;
        return count;
    }

    /// <summary>The next chunk, read by rank 0 and sent to every process.</summary>
    private void Receive()
    {
        int read = _file is null ? 0 : _file.ReadAtLeast(_chunk, (int)Math.Min(_chunk.Length, Length - _position), throwOnEndOfStream: true);
        _communicator.AllGather(_chunk, read, ref _received, _counts, $"{_what}, from byte {_position:N0}");
        _start = 0;
        _end = _counts[0];
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file?.Dispose();
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

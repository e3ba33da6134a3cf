using MlNetMtl.Training.Distributed;

namespace MlNetMtl.Tests.Training.Distributed;

/// <summary>Rank 0's file read by every process, chunk by chunk, by a process whose host does not have it too.</summary>
public class RankZeroFileTests : TemporaryFolderTests
{
    [Test]
    public void EveryProcess_ReadsRankZerosBytes_InReadsOfAnySize_AcrossChunks()
    {
        var bytes = new byte[1_000];
        new Random(3).NextBytes(bytes);
        string path = Path.Combine(Folder, "file.bin");
        File.WriteAllBytes(path, bytes);
        var hub = new ThreadCommunicator.Hub(2);
        var reads = Enumerable.Range(0, 2).Select(rank => Task.Run(() =>
        {
            // Rank 1 names a file its "host" does not have.
            using var stream = new RankZeroFile(new ThreadCommunicator(hub, rank), rank == 0 ? path : Path.Combine(Folder, "absent.bin"), "the test file", chunkBytes: 64);
            using var reader = new BinaryReader(stream);
            var read = new List<byte>();
            read.AddRange(BitConverter.GetBytes(reader.ReadInt32()));
            read.AddRange(reader.ReadBytes(3));
            read.AddRange(reader.ReadBytes(200)); // across several chunks
            var rest = new byte[stream.Length - stream.Position];
            stream.ReadExactly(rest);
            read.AddRange(rest);
            return (Length: stream.Length, Bytes: read.ToArray(), AtEnd: stream.Read(new byte[1]));
        })).ToArray();
        Task.WaitAll(reads);
        foreach (var (length, read, atEnd) in reads.Select(r => r.Result))
        {
            Assert.That(length, Is.EqualTo(bytes.Length));
            Assert.That(read, Is.EqualTo(bytes));
            Assert.That(atEnd, Is.EqualTo(0), "nothing past the end");
        }
    }
}

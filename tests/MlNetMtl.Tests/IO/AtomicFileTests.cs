using MlNetMtl.IO;

namespace MlNetMtl.Tests.IO;

/// <summary>A file is the complete new content or untouched; no temporary file outlives a write; nobody else's file is touched.</summary>
public class AtomicFileTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mlnet-mtl-atomic-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void AFailedWrite_KeepsThePreviousFile_AndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_directory, "p.csv");
        File.WriteAllText(path, "previous");
        Assert.That(() => AtomicFile.Write(path, (string temporary) => { File.WriteAllText(temporary, "half"); throw new IOException("disk full"); }), Throws.InstanceOf<IOException>());
        Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
        Assert.That(Directory.GetFiles(_directory), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void AUsersOwnDotTmpFile_IsNeverTouched()
    {
        string path = Path.Combine(_directory, "p.csv"), users = path + ".tmp";
        File.WriteAllText(users, "the user's");
        AtomicFile.Write(path, (Stream stream) => stream.Write("new"u8));
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(File.ReadAllText(users), Is.EqualTo("the user's"));
        Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(2));
    }

    [Test]
    public void AMissingFolder_IsNamed() =>
        Assert.That(() => AtomicFile.Write(Path.Combine(_directory, "nope", "p.csv"), (string _) => { }),
            Throws.InstanceOf<DirectoryNotFoundException>().With.Message.Contains("nope' does not exist"));

    [Test]
    public void UnfinishedWrites_CanBeDeletedByAProcessAboutToEnd()
    {
        string path = Path.Combine(_directory, "p.csv");
        AtomicFile.Write(path, (string temporary) =>
        {
            File.WriteAllText(temporary, "half");
            AtomicFile.DeleteUnfinished();
            Assert.That(File.Exists(temporary), Is.False);
            File.WriteAllText(temporary, "whole");
        });
        Assert.That(File.ReadAllText(path), Is.EqualTo("whole"));
    }
}

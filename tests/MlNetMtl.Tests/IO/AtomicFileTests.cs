using MlNetMtl.IO;

namespace MlNetMtl.Tests.IO;

/// <summary>A file is the complete new content or untouched; no temporary file outlives a write; nobody else's file is touched.</summary>
public class AtomicFileTests : TemporaryFolderTests
{
    [Test]
    public void AFailedWrite_KeepsThePreviousFile_AndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(Folder, "p.csv");
        File.WriteAllText(path, "previous");
        Assert.That(() => AtomicFile.Write(path, (string temporary) => { File.WriteAllText(temporary, "half"); throw new IOException("disk full"); }), Throws.InstanceOf<IOException>());
        Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
        Assert.That(Directory.GetFiles(Folder), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void AUsersOwnDotTmpFile_IsNeverTouched()
    {
        string path = Path.Combine(Folder, "p.csv"), users = path + ".tmp";
        File.WriteAllText(users, "the user's");
        AtomicFile.Write(path, (Stream stream) => stream.Write("new"u8));
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(File.ReadAllText(users), Is.EqualTo("the user's"));
        Assert.That(Directory.GetFiles(Folder), Has.Length.EqualTo(2));
    }

    [Test]
    public void AMissingFolder_IsNamed() =>
        Assert.That(() => AtomicFile.Write(Path.Combine(Folder, "nope", "p.csv"), (string _) => { }),
            Throws.InstanceOf<DirectoryNotFoundException>().With.Message.Contains("nope' does not exist"));

    [Test]
    public void UnfinishedWrites_CanBeDeletedByAProcessAboutToEnd()
    {
        string path = Path.Combine(Folder, "p.csv");
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

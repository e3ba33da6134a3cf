using MlNetMtl.Cli.Experiment;

namespace MlNetMtl.Tests.Cli;

/// <summary>The experiment's output folder: written whole or not at all, and never at the cost of the user's files.</summary>
public class StagedFolderTests : TemporaryFolderTests
{
    private static void Run(string target, params string[] files)
    {
        using var folder = new StagedFolder(target);
        foreach (string file in files)
            File.WriteAllText(folder.File(file), file);
        folder.Commit();
    }

    [Test]
    public void ANewFolder_AppearsWhole_WithItsManifest()
    {
        string target = Path.Combine(Folder, "out");
        StagedFolder.Check(target, force: false, ["model.zip"], []);
        Run(target, "model.zip", "report.md");
        Assert.That(Directory.GetFiles(target).Select(Path.GetFileName), Is.EquivalentTo(new[] { "model.zip", "report.md", StagedFolder.ManifestName }));
        Assert.That(Directory.GetDirectories(Folder), Has.Length.EqualTo(1), "no staging folder left");
    }

    [Test]
    public void AnEarlierExperimentsFolder_IsReplacedFileForFile()
    {
        string target = Path.Combine(Folder, "out");
        Run(target, "model.zip", "roc_old.png");
        StagedFolder.Check(target, force: false, ["model.zip"], []);
        Run(target, "model.zip", "roc_new.png");
        Assert.That(Directory.GetFiles(target).Select(Path.GetFileName), Is.EquivalentTo(new[] { "model.zip", "roc_new.png", StagedFolder.ManifestName }));
    }

    [Test]
    public void AFolderWithTheUsersFiles_IsRefused_AndForcedKeepsThem()
    {
        string target = Path.Combine(Folder, "mine");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "data.csv"), "the user's data");
        Assert.That(() => StagedFolder.Check(target, force: false, ["model.zip"], []), Throws.ArgumentException.With.Message.Contains("holds 1 entry an experiment did not write (data.csv)"));
        StagedFolder.Check(target, force: true, ["model.zip"], []);
        Run(target, "model.zip");
        Run(target, "model.zip", "trials.csv");
        Assert.That(File.ReadAllText(Path.Combine(target, "data.csv")), Is.EqualTo("the user's data"));
        Assert.That(Directory.GetFiles(target).Select(Path.GetFileName), Is.EquivalentTo(new[] { "data.csv", "model.zip", "trials.csv", StagedFolder.ManifestName }));
    }

    [Test]
    public void AnOutputThatWouldReplaceAnInput_IsRefusedEvenForced()
    {
        string input = Path.Combine(Folder, "trials.csv");
        File.WriteAllText(input, "rows");
        Assert.That(() => StagedFolder.Check(Folder, force: true, ["trials.csv"], [input]), Throws.ArgumentException.With.Message.Contains("would replace the input file"));
    }

    [Test]
    public void AFailedRun_LeavesNothing()
    {
        string target = Path.Combine(Folder, "out");
        using (var folder = new StagedFolder(target))
            File.WriteAllText(folder.File("model.zip"), "half");
        Assert.That(Directory.EnumerateFileSystemEntries(Folder), Is.Empty);
    }
}

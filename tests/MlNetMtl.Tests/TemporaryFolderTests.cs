namespace MlNetMtl.Tests;

/// <summary>A base for tests that write files: each test gets a new temporary folder, deleted after it.</summary>
public abstract class TemporaryFolderTests
{
    /// <summary>The current test's folder.</summary>
    protected string Folder { get; private set; } = null!;

    [SetUp]
    public void CreateFolder() => Folder = Directory.CreateTempSubdirectory("mlnet-mtl-" + GetType().Name + "-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(Folder, recursive: true);
}

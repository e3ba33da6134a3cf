namespace MlNetMtl.Tests.Datasets;

/// <summary>Finds the real sample data sets in ../shared/datasets beside the repository, or skips the test.</summary>
internal static class SharedData
{
    public static string File(string dataset, string file)
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !System.IO.File.Exists(Path.Combine(directory.FullName, "MlNetMtl.sln")))
            directory = directory.Parent;
        string path = Path.Combine(directory?.Parent?.FullName ?? "/nonexistent", "shared", "datasets", dataset, file);
        if (!System.IO.File.Exists(path))
            Assert.Ignore($"Real data not available: {path} is absent (the shared/ folder sits beside the repository on the project's machines).");
        return path;
    }
}

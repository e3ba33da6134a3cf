namespace MlNetMtl.Tests;

/// <summary>
/// Points XDG_CACHE_HOME (where the command line keeps sentence vectors by default) at a temporary folder for the whole
/// run — the tests' processes inherit it — so no test writes into the user's cache; the folder goes when the run ends.
/// </summary>
[SetUpFixture]
public sealed class TestCacheFolder
{
    private string? _previous;
    private string _folder = null!;

    [OneTimeSetUp]
    public void Redirect()
    {
        _previous = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        _folder = Directory.CreateTempSubdirectory("mlnet-mtl-cache-").FullName;
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _folder);
    }

    [OneTimeTearDown]
    public void Restore()
    {
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _previous);
        Directory.Delete(_folder, recursive: true);
    }
}

namespace MlNetMtl.Cli.Experiment;

/// <summary>
/// An output folder written in a hidden staging folder beside it and moved into place only when complete, so a failed
/// or interrupted run never leaves a folder that looks finished. A folder already at the target is replaced.
/// </summary>
internal sealed class StagedFolder : IDisposable
{
    private readonly string _target;
    private bool _committed;

    public StagedFolder(string target)
    {
        _target = System.IO.Path.GetFullPath(target);
        string parent = System.IO.Path.GetDirectoryName(_target) ?? throw new ArgumentException($"'{target}' has no parent folder.");
        Directory.CreateDirectory(parent);
        Staging = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(_target)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Staging);
    }

    /// <summary>The staging folder to write into.</summary>
    public string Staging { get; }

    /// <summary>A file in the staging folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Staging, name);

    /// <summary>Moves the staging folder to the target.</summary>
    public void Commit()
    {
        if (Directory.Exists(_target))
            Directory.Delete(_target, recursive: true);
        Directory.Move(Staging, _target);
        _committed = true;
    }

    /// <summary>Deletes the staging folder unless committed.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(Staging))
            Directory.Delete(Staging, recursive: true);
    }
}

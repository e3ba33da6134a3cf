namespace MlNetMtl.Cli.Serving;

/// <summary>
/// The model being served, reloaded when its file changes: the new file is loaded in full beside the old model, then swapped
/// in with one reference write, so a request sees one model or the other, never a mix. A file that does not load (half
/// written, damaged) leaves the current model in place and is said on standard error.
/// </summary>
internal sealed class ModelHost : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _debounce;
    private readonly Action<string> _log;
    private ServedModel _current;

    public ModelHost(string path, Action<string> log)
    {
        _log = log;
        _current = ServedModel.Load(path);
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, System.IO.Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>The model now; a caller keeps the object it read for the whole request.</summary>
    public ServedModel Current => Volatile.Read(ref _current);

    /// <summary>Models loaded after the first.</summary>
    public int Reloads { get; private set; }

    /// <summary>Reloads now (the watcher calls it a moment after the file's last change).</summary>
    public bool Reload()
    {
        var old = Current;
        try
        {
            var loaded = ServedModel.Load(old.Path);
            if (loaded.Version == old.Version)
                return false;
            Volatile.Write(ref _current, loaded);
            Reloads++;
            _log($"Reloaded {old.Path}: model {old.Version} → {loaded.Version}.");
            return true;
        }
        catch (Exception error) when (error is IOException or InvalidDataException or FormatException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            _log($"Kept model {old.Version}: {old.Path} did not load ({error.Message}).");
            return false;
        }
    }

    private void Schedule() => _debounce.Change(250, Timeout.Infinite);

    public void Dispose()
    {
        _watcher.Dispose();
        _debounce.Dispose();
    }
}

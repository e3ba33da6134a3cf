using System.Collections.Concurrent;

namespace MlNetMtl.Cli.Experiment;

/// <summary>
/// An output folder written in a hidden staging folder and moved into place only when complete, so a failed or
/// interrupted run never leaves a folder that looks finished. The folder records what it wrote in a manifest: a later
/// run replaces those files and nothing else. A folder holding files it did not write is refused unless forced, and
/// even then only the outputs' own names are written; nothing else in it is ever deleted.
/// </summary>
internal sealed class StagedFolder : IDisposable
{
    /// <summary>The manifest: one file name per line, the files an experiment wrote into the folder.</summary>
    public const string ManifestName = ".mlnet-mtl-experiment";

    private static readonly ConcurrentDictionary<string, byte> Unfinished = new(StringComparer.Ordinal);
    private readonly string _target;
    private bool _committed;

    /// <summary>Starts staging for <paramref name="target"/> (checked first with <see cref="Check"/>).</summary>
    public StagedFolder(string target)
    {
        _target = Path.GetFullPath(target);
        // Inside the target when it exists (it is writable; its parent, e.g. for -o ., may not be), else beside it.
        Staging = Directory.Exists(_target)
            ? Path.Combine(_target, $".mlnet-mtl-staging-{Guid.NewGuid():N}")
            : Path.Combine(Path.GetDirectoryName(_target)!, $".{Path.GetFileName(_target)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Staging);
        Unfinished[Staging] = 0;
    }

    /// <summary>The staging folder to write into.</summary>
    public string Staging { get; }

    /// <summary>A file in the staging folder.</summary>
    public string File(string name) => Path.Combine(Staging, name);

    /// <summary>
    /// Checks, before any work, that the run may write <paramref name="target"/>: it is new, empty, or holds only what an
    /// earlier experiment wrote there (or <paramref name="force"/> is set); it can be written; and none of
    /// <paramref name="outputs"/> would replace one of <paramref name="inputs"/>.
    /// </summary>
    public static void Check(string target, bool force, IEnumerable<string> outputs, IEnumerable<string> inputs)
    {
        string full = Path.GetFullPath(target);
        if (System.IO.File.Exists(full))
            throw new ArgumentException($"--output '{full}' is a file; the experiment writes a folder.");
        var inputList = inputs.ToArray();
        foreach (string output in outputs)
        {
            string path = Path.Combine(full, output);
            if (inputList.FirstOrDefault(i => CliPaths.Same(i, path)) is { } input)
                throw new ArgumentException($"--output '{full}' would replace the input file '{input}' with the experiment's {output}; choose another folder.");
        }
        if (!Directory.Exists(full))
        {
            CliPaths.RequireWritableFolder(Path.GetDirectoryName(full)!, "--output", full);
            return;
        }
        CliPaths.RequireWritableFolder(full, "--output", full);
        var foreign = Foreign(full);
        if (foreign.Length > 0 && !force)
            throw new ArgumentException($"--output '{full}' holds {foreign.Length:N0} entr{(foreign.Length == 1 ? "y" : "ies")} an experiment did not write " +
                $"({string.Join(", ", foreign.Take(5))}{(foreign.Length > 5 ? ", …" : "")}); choose a new or empty folder, or add --force to write the outputs beside them " +
                "(files of the same names are replaced; nothing else is touched).");
    }

    /// <summary>Moves the staged files into the target: a new target is the staging folder renamed; an existing one loses only what an earlier experiment wrote.</summary>
    public void Commit()
    {
        var written = Directory.GetFiles(Staging).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        System.IO.File.WriteAllLines(Path.Combine(Staging, ManifestName), written);
        if (!Directory.Exists(_target))
        {
            Directory.Move(Staging, _target);
        }
        else
        {
            foreach (string old in Manifest(_target).Except(written, StringComparer.Ordinal))
                System.IO.File.Delete(Path.Combine(_target, old));
            foreach (string name in written.Append(ManifestName))
                System.IO.File.Move(Path.Combine(Staging, name), Path.Combine(_target, name), overwrite: true);
            Directory.Delete(Staging, recursive: true);
        }
        _committed = true;
        Unfinished.TryRemove(Staging, out _);
    }

    /// <summary>Deletes the staging folder unless committed.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(Staging))
            Directory.Delete(Staging, recursive: true);
        Unfinished.TryRemove(Staging, out _);
    }

    /// <summary>Deletes the staging folders of runs still in progress, for a process about to end without unwinding.</summary>
    public static void DeleteUnfinished()
    {
        foreach (string staging in Unfinished.Keys)
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The entries of <paramref name="folder"/> its manifest does not list (staging folders of crashed runs aside).</summary>
    private static string[] Foreign(string folder)
    {
        var ours = Manifest(folder).Append(ManifestName).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>()
            .Where(name => !ours.Contains(name) && !name.StartsWith(".mlnet-mtl-staging-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
    }

    private static string[] Manifest(string folder)
    {
        string path = Path.Combine(folder, ManifestName);
        return System.IO.File.Exists(path)
            ? System.IO.File.ReadAllLines(path).Where(l => l.Length > 0 && !l.Contains('/') && !l.Contains('\\') && l != "..").ToArray()
            : [];
    }
}

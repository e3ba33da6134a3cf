using System.Collections.Concurrent;

namespace MlNetMtl.IO;

/// <summary>
/// Writes a file so that it is either the complete new content or untouched: the content goes to a hidden temporary
/// file with a unique name beside the target, which is moved over the target only when complete. A failed or
/// cancelled write deletes its temporary file and leaves the previous file as it was.
/// </summary>
public static class AtomicFile
{
    private static readonly ConcurrentDictionary<string, byte> Unfinished = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which receives the temporary file's path to write to.</summary>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    public static void Write(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot write '{full}': the folder '{folder}' does not exist.");
        string temporary = TemporaryPath(full);
        Unfinished[temporary] = 0;
        try
        {
            write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
            Unfinished.TryRemove(temporary, out _);
        }
    }

    /// <summary>Writes <paramref name="path"/> through a stream (see <see cref="Write(string, Action{string})"/>).</summary>
    public static void Write(string path, Action<Stream> write) =>
        Write(path, (string temporary) =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
        });

    /// <summary>A hidden file name beside <paramref name="target"/> that nothing else uses: <c>.name.&lt;random&gt;.tmp</c>.</summary>
    public static string TemporaryPath(string target) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes the temporary files of the writes still in progress, for a process that is about to end without
    /// unwinding (a second Ctrl-C, SIGTERM after its grace period).
    /// </summary>
    public static void DeleteUnfinished()
    {
        foreach (string temporary in Unfinished.Keys)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}

using MlNetMtl.IO;

namespace MlNetMtl.Cli;

/// <summary>
/// The files a command reads and writes, checked before any work: inputs exist and are readable, an output's folder
/// exists and is writable, and no output is one of the inputs. Messages name the option.
/// </summary>
internal static class CliPaths
{
    /// <summary>The full path of an input file that exists and can be read.</summary>
    public static string Input(FileInfo file, string option)
    {
        string path = file.FullName;
        if (Directory.Exists(path))
            throw new ArgumentException($"{option} '{path}' is a folder; give a file.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{option} '{path}': no such file.", path);
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException($"{option} '{path}': permission denied (the file cannot be read).");
        }
        return path;
    }

    /// <summary>
    /// The full path of a data set given as <paramref name="option"/>: a file (delimited text or Parquet) as <see cref="Input"/>
    /// takes it, or a folder, read as one table of its shards.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file or folder.</exception>
    public static string Data(FileInfo file, string option) => Directory.Exists(file.FullName) ? file.FullName : Input(file, option);

    /// <summary>
    /// The full path of an output file whose folder exists and can be written, that is not a folder and not one of
    /// <paramref name="inputs"/> (the command's own input files, which it must never overwrite).
    /// </summary>
    public static string Output(FileInfo file, string option, params string?[] inputs)
    {
        string path = file.FullName;
        if (Directory.Exists(path))
            throw new ArgumentException($"{option} '{path}' is a folder; give a file name.");
        var input = inputs.FirstOrDefault(i => i is not null && Same(i, path));
        if (input is not null)
            throw new ArgumentException($"{option} '{path}' is one of this command's input files; write the output to another file.");
        RequireWritableFolder(Path.GetDirectoryName(path)!, option, path);
        return path;
    }

    /// <summary>Throws unless <paramref name="folder"/> exists and a file can be created in it.</summary>
    public static void RequireWritableFolder(string folder, string option, string target)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{option} '{target}': the folder '{folder}' does not exist.");
        string probe = AtomicFile.TemporaryPath(Path.Combine(folder, "probe"));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write))
            {
            }
        }
        catch (Exception error) when (error is UnauthorizedAccessException or IOException)
        {
            throw new UnauthorizedAccessException($"{option} '{target}': the folder '{folder}' cannot be written (permission denied, or a read-only file system).");
        }
        finally
        {
            File.Delete(probe);
        }
    }

    /// <summary>Whether two paths name the same file (through symbolic links too).</summary>
    public static bool Same(string a, string b) => string.Equals(Resolve(a), Resolve(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return File.Exists(full) ? new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full : full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}

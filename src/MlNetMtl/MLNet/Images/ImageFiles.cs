using MlNetMtl.MLNet.Pretrained;

namespace MlNetMtl.MLNet.Images;

/// <summary>Where an image cell's file is: the one rule the transform and the ONNX scorer both read cells by.</summary>
internal static class ImageFiles
{
    /// <summary>
    /// The full path of the image that <paramref name="cell"/> (not blank) names: as given when full, else relative to
    /// <paramref name="folder"/> (null: the current directory); surrounding spaces are not part of a name.
    /// </summary>
    /// <exception cref="FileNotFoundException">The cell names no file (the column, the cell and the full path are named).</exception>
    public static FileInfo Resolve(string? folder, string column, string cell)
    {
        string path = Path.GetFullPath(Path.Combine(folder ?? Environment.CurrentDirectory, cell.Trim()));
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new FileNotFoundException($"Column '{column}' names the image \"{EncodedVectors.Shorten(cell)}\", but {path} is not a file.", path);
        return file;
    }
}

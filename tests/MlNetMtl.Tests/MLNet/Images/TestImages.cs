using SkiaSharp;

namespace MlNetMtl.Tests.MLNet.Images;

/// <summary>Small generated images written as files: a background, optionally a disc of another colour, at any size.</summary>
internal static class TestImages
{
    /// <summary>Writes <paramref name="path"/>: <paramref name="width"/> × <paramref name="height"/> of <paramref name="background"/>, a centred disc of <paramref name="disc"/> if given.</summary>
    public static string Write(string path, int width, int height, SKColor background, SKColor? disc = null, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(background);
            if (disc is { } color)
            {
                using var paint = new SKPaint { Color = color, IsAntialias = true };
                canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
            }
        }
        using var file = File.Create(path);
        if (!bitmap.Encode(file, format, 95))
            throw new InvalidOperationException($"SkiaSharp could not write {format} to {path}.");
        return path;
    }
}

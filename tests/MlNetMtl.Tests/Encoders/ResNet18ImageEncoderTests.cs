using Microsoft.ML.OnnxRuntime;
using MlNetMtl.Encoders;
using MlNetMtl.MLNet.Images;
using MlNetMtl.Tests.MLNet.Images;
using SkiaSharp;

namespace MlNetMtl.Tests.Encoders;

/// <summary>ResNet18 as MlNetMtl runs it: the pixels it reads, images of awkward sizes and formats, the same bits on any thread count, meaning, unreadable files, its ONNX form.</summary>
public class ResNet18ImageEncoderTests
{
    private string _folder = "";

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("mlnet-mtl-resnet-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private static float[] Encode(IImageEncoder encoder, params string[] paths)
    {
        var vectors = new float[paths.Length * encoder.Dimension];
        encoder.Encode(paths, vectors);
        return vectors;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(aa * bb);
    }

    [Test]
    public void TheNetworkReads_TheCentredSquare_AsRedGreenBluePlanes()
    {
        // 300 × 200: green bands on the left and right 50 columns are outside the centred 200 × 200 square and must be cut.
        string path = Path.Combine(_folder, "wide.png");
        using (var bitmap = new SKBitmap(300, 200))
        {
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(new SKColor(255, 0, 0));
                using var green = new SKPaint { Color = new SKColor(0, 255, 0) };
                canvas.DrawRect(0, 0, 50, 200, green);
                canvas.DrawRect(250, 0, 50, 200, green);
                using var blue = new SKPaint { Color = new SKColor(0, 0, 255) };
                canvas.DrawRect(140, 90, 20, 20, blue);
            }
            using var file = File.Create(path);
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        }
        const int side = ResNet18ImageEncoder.Side, plane = side * side;
        var planes = new float[3 * plane];
        new ResNet18ImageEncoder(threads: 1).ReadPixels(path, planes);
        int corner = 0, centre = side / 2 * side + side / 2;
        Assert.That((planes[corner], planes[plane + corner], planes[2 * plane + corner]), Is.EqualTo((255f, 0f, 0f)), "the crop's corner is red: the green bands are cut off");
        Assert.That((planes[centre], planes[plane + centre], planes[2 * plane + centre]), Is.EqualTo((0f, 0f, 255f)), "the centre is blue");
        Assert.That(planes.Skip(plane).Take(plane).Max(), Is.LessThan(1f), "no green anywhere");
    }

    [Test]
    public void ImagesOfAwkwardSizesAndFormats_GiveFiniteNonNegativeVectors()
    {
        string[] paths =
        [
            TestImages.Write(Path.Combine(_folder, "dot.png"), 1, 1, SKColors.Orange),
            TestImages.Write(Path.Combine(_folder, "tall.png"), 37, 500, SKColors.Navy, SKColors.Yellow),
            TestImages.Write(Path.Combine(_folder, "photo.jpg"), 640, 480, SKColors.ForestGreen, SKColors.White, SKEncodedImageFormat.Jpeg),
            TestImages.Write(Path.Combine(_folder, "web.webp"), 225, 223, SKColors.Purple, SKColors.Pink, SKEncodedImageFormat.Webp),
        ];
        var vectors = Encode(new ResNet18ImageEncoder(threads: 1), paths);
        Assert.That(vectors, Has.Length.EqualTo(4 * ResNet18ImageEncoder.VectorSize));
        Assert.That(vectors.All(v => float.IsFinite(v) && v >= 0), "pooled ReLU activations");
        for (int i = 0; i < paths.Length; i++)
            Assert.That(vectors.Skip(i * 512).Take(512).Count(v => v > 0), Is.GreaterThan(50), paths[i]);
    }

    [Test]
    public void AnImageGetsTheSameBits_OnOneOrTwoThreads_AloneOrInABatch()
    {
        string a = TestImages.Write(Path.Combine(_folder, "a.png"), 320, 240, SKColors.SkyBlue, SKColors.Red);
        string b = TestImages.Write(Path.Combine(_folder, "b.png"), 100, 100, SKColors.Black, SKColors.Gold);
        var oneThread = Encode(new ResNet18ImageEncoder(threads: 1), a, b);
        var twoThreads = Encode(new ResNet18ImageEncoder(threads: 2), a, b);
        var alone = Encode(new ResNet18ImageEncoder(threads: 2), b);
        Assert.That(twoThreads, Is.EqualTo(oneThread));
        Assert.That(alone, Is.EqualTo(oneThread.Skip(512).ToArray()));
    }

    [Test]
    public void TheSamePicture_AtTwoSizes_IsCloserThanAnotherPicture()
    {
        var encoder = new ResNet18ImageEncoder(threads: 2);
        var small = Encode(encoder, TestImages.Write(Path.Combine(_folder, "small.png"), 160, 160, SKColors.White, SKColors.Red));
        var large = Encode(encoder, TestImages.Write(Path.Combine(_folder, "large.png"), 600, 600, SKColors.White, SKColors.Red));
        var other = Encode(encoder, TestImages.Write(Path.Combine(_folder, "other.png"), 600, 600, SKColors.DarkGreen, SKColors.Cyan));
        double same = Cosine(small, large), different = Cosine(large, other);
        Assert.That(same, Is.GreaterThan(0.9));
        Assert.That(same, Is.GreaterThan(different + 0.1), $"same picture {same:F3}, another {different:F3}");
    }

    /// <summary>
    /// The ONNX model the export writes into a graph, run by ONNX Runtime on the pixels <c>ReadPixels</c> gives, reproduces
    /// <c>Encode</c> (which runs the package's two models one image at a time) to the bit — for a wide, a tall and a JPEG
    /// image, all three in one run and each alone.
    /// </summary>
    [Test]
    public void ItsOnnxModel_OnItsPixels_GivesItsVectors_InABatchOrAlone()
    {
        var encoder = new ResNet18ImageEncoder(threads: 1);
        string[] paths =
        [
            TestImages.Write(Path.Combine(_folder, "wide.png"), 300, 120, SKColors.SkyBlue, SKColors.Red),
            TestImages.Write(Path.Combine(_folder, "tall.png"), 50, 333, SKColors.Navy, SKColors.Yellow),
            TestImages.Write(Path.Combine(_folder, "photo.jpg"), 640, 480, SKColors.ForestGreen, SKColors.White, SKEncodedImageFormat.Jpeg),
        ];
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(encoder.OnnxModel(), options);
        Assert.That(session.InputMetadata.Single().Value.Dimensions, Is.EqualTo(new[] { -1, 3, 224, 224 }), "any number of images");
        const int width = 3 * 224 * 224;
        var pixels = new float[paths.Length * width];
        for (int i = 0; i < paths.Length; i++)
            encoder.ReadPixels(paths[i], pixels.AsSpan(i * width, width));
        float[] Run(int first, int count)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(pixels.AsMemory(first * width, count * width).ToArray(), [count, 3, 224, 224]);
            using var runOptions = new RunOptions();
            using var output = session.Run(runOptions, [session.InputNames[0]], [input], [session.OutputNames[0]]);
            return output[0].GetTensorDataAsSpan<float>().ToArray();
        }
        var expected = Encode(encoder, paths);
        Assert.That(Run(0, paths.Length), Is.EqualTo(expected), "three images in one run");
        for (int i = 0; i < paths.Length; i++)
            Assert.That(Run(i, 1), Is.EqualTo(expected.Skip(i * 512).Take(512).ToArray()), paths[i]);
    }

    [Test]
    public void ReadPixels_RefusesABufferOfAnotherSize()
    {
        string path = TestImages.Write(Path.Combine(_folder, "a.png"), 10, 10, SKColors.Red);
        var error = Assert.Throws<ArgumentException>(() => new ResNet18ImageEncoder(threads: 1).ReadPixels(path, new float[224 * 224]));
        Assert.That(error!.Message, Does.Contain("50176 values cannot hold the 3 × 224 × 224 pixels"));
    }

    [Test]
    public void AFileThatIsNotAnImage_IsNamed()
    {
        string path = Path.Combine(_folder, "notes.png");
        File.WriteAllText(path, "not pixels");
        var error = Assert.Throws<InvalidDataException>(() => Encode(new ResNet18ImageEncoder(threads: 1), path));
        Assert.That(error!.Message, Does.Contain(path).And.Contain("is not an image that can be read"));
    }

    [Test]
    public void TheCoreFindsIt_ByName()
    {
        Assert.That(ImageEncoders.ResNet18Available);
        var encoder = ImageEncoders.ResNet18();
        Assert.That((encoder.GetType(), encoder.Dimension, encoder.ImageSize), Is.EqualTo((typeof(ResNet18ImageEncoder), 512, 224)));
    }
}

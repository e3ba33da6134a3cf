using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Images;
using MlNetMtl.MLNet.Pretrained;
using MlNetMtl.Tests.MLNet.Text;
using SkiaSharp;

namespace MlNetMtl.Tests.MLNet.Images;

/// <summary>
/// Image-path columns through <c>ml.Transforms.EmbedImages</c> with ResNet18: relative paths, empty cells, missing files,
/// save/load with the folder, an edited file, the old saved format, inference of the column, and a known answer learned from pixels.
/// </summary>
public class ImageEmbeddingTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("mlnet-mtl-images-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private sealed class Row
    {
        public string Cover { get; set; } = "";
    }

    private sealed class VectorOutput
    {
        [VectorType(512)]
        public float[] Vector { get; set; } = [];
    }

    private static readonly IImageEncoder Encoder = ImageEncoders.ResNet18();

    private static float[] Direct(string path)
    {
        var vector = new float[Encoder.Dimension];
        Encoder.Encode([path], vector);
        return vector;
    }

    /// <summary>Three images in a sub-folder, named relative to <see cref="_folder"/>, and a row without one.</summary>
    private IDataView Covers(MLContext ml)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "covers"));
        TestImages.Write(Path.Combine(_folder, "covers", "a.png"), 120, 90, SKColors.White, SKColors.Red);
        TestImages.Write(Path.Combine(_folder, "covers", "b.jpg"), 64, 64, SKColors.Black, SKColors.Lime, SKEncodedImageFormat.Jpeg);
        return ml.Data.LoadFromEnumerable(new[] { "covers/a.png", "covers/b.jpg", "", "covers/a.png" }.Select(c => new Row { Cover = c }));
    }

    [Test]
    public void EachRowGetsItsImagesVector_FromTheImageFolder_AnEmptyCellZeros()
    {
        var ml = new MLContext(1);
        var data = Covers(ml);
        var transformed = ml.Transforms.EmbedImages("Vector", "Cover", Encoder, _folder, new EmbeddingCache()).Fit(data).Transform(data);
        var column = transformed.Schema["Vector"];
        Assert.That(column.Type, Is.EqualTo(new VectorDataViewType(NumberDataViewType.Single, 512)));
        Assert.That(column.Annotations.Schema.GetColumnOrNull(FieldLayouts.DenseVectorAnnotation), Is.Not.Null, "one dense field");
        var vectors = transformed.GetColumn<float[]>("Vector").ToArray();
        Assert.That(vectors[0], Is.EqualTo(Direct(Path.Combine(_folder, "covers", "a.png"))));
        Assert.That(vectors[1], Is.EqualTo(Direct(Path.Combine(_folder, "covers", "b.jpg"))));
        Assert.That(vectors[2], Is.EqualTo(new float[512]));
        Assert.That(vectors[3], Is.EqualTo(vectors[0]));
    }

    [Test]
    public void AMissingFile_IsNamedWithItsColumnAndFullPath()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Cover = "gone.png" } });
        var transformed = ml.Transforms.EmbedImages("Vector", "Cover", Encoder, _folder).Fit(data).Transform(data);
        var error = Assert.Throws<FileNotFoundException>(() => transformed.GetColumn<float[]>("Vector").ToArray());
        Assert.That(error!.Message, Does.Contain("Column 'Cover'").And.Contain("\"gone.png\"").And.Contain(Path.Combine(_folder, "gone.png")));
    }

    [Test]
    public void AnEditedFile_IsEncodedAgain()
    {
        var ml = new MLContext(1);
        string path = TestImages.Write(Path.Combine(_folder, "cover.png"), 80, 80, SKColors.White, SKColors.Red);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Cover = "cover.png" } });
        var model = ml.Transforms.EmbedImages("Vector", "Cover", Encoder, _folder, new EmbeddingCache()).Fit(data);
        var before = model.Transform(data).GetColumn<float[]>("Vector").Single();
        TestImages.Write(path, 80, 80, SKColors.Navy, SKColors.Yellow);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5)); // a later write, even on a coarse clock
        var after = model.Transform(data).GetColumn<float[]>("Vector").Single();
        Assert.That(after, Is.Not.EqualTo(before));
        Assert.That(after, Is.EqualTo(Direct(path)));
    }

    [Test]
    public void SaveAndLoad_KeepTheFolder_AndPredictionEngineWorks()
    {
        var ml = new MLContext(1);
        var data = Covers(ml);
        var model = ml.Transforms.EmbedImages("Vector", "Cover", Encoder, _folder).Fit(data);
        string path = Path.Combine(_folder, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext(2);
        var loaded = fresh.MultiTask().LoadModel(path, out var schema);
        Assert.That(loaded.Transform(data).GetColumn<float[]>("Vector").ToArray(), Is.EqualTo(model.Transform(data).GetColumn<float[]>("Vector").ToArray()));
        var engine = fresh.Model.CreatePredictionEngine<Row, VectorOutput>(loaded, schema);
        Assert.That(engine.Predict(new Row { Cover = "covers/b.jpg" }).Vector, Is.EqualTo(Direct(Path.Combine(_folder, "covers", "b.jpg"))));
    }

    [Test]
    public void AVersionOneEntry_OfTextOnly_IsStillRead()
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("MlNetMtl.SentenceEmbeddingTransformer");
            writer.Write(1);
            writer.Write(1);
            writer.Write("Vector");
            writer.Write("Title");
            writer.Write(typeof(CountingEncoder).FullName!);
            writer.Write(typeof(CountingEncoder).Assembly.GetName().Name!);
            writer.Write("MlNetMtl.Tests");
            writer.Write("counting");
            writer.Write(CountingEncoder.CurrentVersion);
            writer.Write(5);
        }
        bytes.Position = 0;
        var transformer = PretrainedEmbeddingFormat.Read(new BinaryReader(bytes));
        Assert.That((transformer.Encoder.GetType(), transformer.Columns.Single().InputColumnName, transformer.ImageFolder), Is.EqualTo((typeof(CountingEncoder), "Title", (string?)null)));
    }

    [Test]
    public void AnImageFolder_IsRefusedForATextEncoder()
    {
        var error = Assert.Throws<ArgumentException>(() => new PretrainedEmbeddingTransformer(new CountingEncoder(), [new InputOutputColumnPair("V", "T")], null, _folder));
        Assert.That(error!.Message, Does.Contain("counting reads text"));
    }

    /// <summary>A file of impressions of pictures: liked exactly when the picture's disc is red (blue otherwise), on backgrounds of random colours.</summary>
    private string WriteLikes(string name, int pictures, int rows, int seed)
    {
        var random = new Random(seed);
        var red = new bool[pictures];
        string folder = Path.Combine(_folder, name + "-pictures");
        Directory.CreateDirectory(folder);
        for (int p = 0; p < pictures; p++)
        {
            red[p] = p % 2 == 0;
            var background = new SKColor((byte)random.Next(60, 200), (byte)random.Next(60, 200), (byte)random.Next(60, 200));
            TestImages.Write(Path.Combine(folder, $"{p}.png"), 40 + random.Next(200), 40 + random.Next(200), background, red[p] ? SKColors.Red : SKColors.Blue);
        }
        var lines = new List<string> { "picture,hour,liked" };
        for (int r = 0; r < rows; r++)
        {
            int p = random.Next(pictures);
            lines.Add($"{name}-pictures/{p}.png,{random.Next(24)},{(red[p] ? 1 : 0)}");
        }
        string path = Path.Combine(_folder, name + ".csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public void PicturesNoOneHasSeen_AreScoredFromTheirPixels()
    {
        string trainPath = WriteLikes("train", pictures: 40, rows: 800, seed: 1), testPath = WriteLikes("test", pictures: 20, rows: 300, seed: 2);
        var ml = new MLContext(seed: 1);
        TaskColumn[] tasks = [new("liked", "liked")];
        var schema = ColumnInference.Infer(trainPath, ["liked"]);
        Assert.That(schema.Columns.Single(c => c.Name == "picture").Role, Is.EqualTo(ColumnRole.Image));
        var spec = schema.Features(schema.Rows);
        Assert.That((spec.Images.Single(), spec.ImageFolder), Is.EqualTo(("picture", _folder)), "relative to the data file's folder");
        var train = CsvDataset.Load(ml, schema, tasks, spec);
        var model = train.Featurizer.Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = [.. train.Tasks],
            Training = new() { Threads = 1, Seed = 3 },
        })).Fit(train.Data);
        var test = CsvDataset.LoadLike(ml, testPath, schema, train.Tasks);
        double auc = ml.MultiTask().Evaluate(model.Transform(test), train.Tasks)["liked"].Binary!.AreaUnderRocCurve;
        Assert.That(auc, Is.GreaterThan(0.9), "red or blue disc on pictures never seen in training");
    }
}

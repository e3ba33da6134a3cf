using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Pretrained;
using MlNetMtl.MLNet.Text;
using MlNetMtl.Networks.Encoders;

namespace MlNetMtl.Tests.MLNet.Text;

/// <summary>The sentence-embedding transform: its vectors, blocks, cache, persistence, save/load and errors.</summary>
public class SentenceEmbeddingTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("mlnet-mtl-embed-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        CountingEncoder.CurrentVersion = "1";
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class Row
    {
        public string Title { get; set; } = "";
        public float Price { get; set; }
    }

    /// <summary>More rows than a block, titles repeating, some empty.</summary>
    private static IDataView Titles(MLContext ml, int rows = 700) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new Row { Title = i % 7 == 0 ? "" : $"item {i % 300} title", Price = i }));

    private static float[][] Vectors(IDataView data, string column = "Vector") => data.GetColumn<float[]>(column).ToArray();

    private static float[] ExpectedOrZero(string title) => title.Length == 0 ? new float[5] : CountingEncoder.Expected(title);

    [Test]
    public void EachRowGetsItsTextsVector_EmptyTextsZeros_AcrossBlocks()
    {
        var ml = new MLContext(1);
        var data = Titles(ml);
        var encoder = new CountingEncoder();
        var transformed = ml.Transforms.Text.EmbedSentences("Vector", "Title", encoder, new EmbeddingCache()).Fit(data).Transform(data);
        Assert.That(transformed.Schema["Vector"].Type, Is.EqualTo(new VectorDataViewType(NumberDataViewType.Single, 5)));
        var titles = data.GetColumn<string>("Title").ToArray();
        var vectors = Vectors(transformed);
        for (int i = 0; i < titles.Length; i++)
            Assert.That(vectors[i], Is.EqualTo(ExpectedOrZero(titles[i])), $"row {i}");
        Assert.That(encoder.Encoded, Is.EqualTo(titles.Where(t => t.Length > 0).Distinct().Count()), "each distinct text is encoded once; empty ones never");
        Assert.That(transformed.GetColumn<float>("Price").ToArray(), Is.EqualTo(Enumerable.Range(0, 700).Select(i => (float)i)), "other columns pass through");
    }

    [Test]
    public void ASecondPass_AndConcurrentCursors_ReadTheCache()
    {
        var ml = new MLContext(1);
        var data = Titles(ml);
        var encoder = new CountingEncoder();
        var cache = new EmbeddingCache();
        var transformed = ml.Transforms.Text.EmbedSentences("Vector", "Title", encoder, cache).Fit(data).Transform(data);
        var first = Vectors(transformed);
        long encoded = encoder.Encoded;
        var concurrent = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => Vectors(transformed)).ToArray();
        Assert.That(encoder.Encoded, Is.EqualTo(encoded), "nothing is encoded twice");
        Assert.That(cache.Hits, Is.GreaterThanOrEqualTo(4 * 600));
        foreach (var pass in concurrent)
            Assert.That(pass, Is.EqualTo(first));
    }

    [Test]
    public void ConcurrentCursorsOnAnEmptyCache_GetTheSerialVectors()
    {
        var ml = new MLContext(1);
        var data = Titles(ml, rows: 2_000);
        var cache = new EmbeddingCache();
        var transformed = ml.Transforms.Text.EmbedSentences("Vector", "Title", new CountingEncoder(), cache).Fit(data).Transform(data);
        var passes = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => Vectors(transformed)).ToArray();
        var titles = data.GetColumn<string>("Title").ToArray();
        foreach (var pass in passes)
            for (int i = 0; i < titles.Length; i++)
                Assert.That(pass[i], Is.EqualTo(ExpectedOrZero(titles[i])));
    }

    [Test]
    public void APersistentCache_ServesTheNextProcess_AndSurvivesARecordCutShort()
    {
        var ml = new MLContext(1);
        var data = Titles(ml);
        string folder = Path.Combine(_folder, "cache");
        _ = Vectors(ml.Transforms.Text.EmbedSentences("Vector", "Title", new CountingEncoder(), new EmbeddingCache(folder)).Fit(data).Transform(data));
        string file = Directory.GetFiles(folder).Single();
        long length = new FileInfo(file).Length;
        using (var stream = new FileStream(file, FileMode.Append))
            stream.Write(new byte[7]); // a writer killed mid-record

        var fresh = new CountingEncoder();
        var reopened = new EmbeddingCache(folder);
        var vectors = Vectors(ml.Transforms.Text.EmbedSentences("Vector", "Title", fresh, reopened).Fit(data).Transform(data));
        Assert.That(fresh.Encoded, Is.Zero, "every vector came from the file");
        Assert.That(vectors[1], Is.EqualTo(CountingEncoder.Expected("item 1 title")));

        var more = ml.Data.LoadFromEnumerable(new[] { new Row { Title = "a new title" } });
        _ = Vectors(ml.Transforms.Text.EmbedSentences("Vector", "Title", fresh, reopened).Fit(more).Transform(more));
        Assert.That(new FileInfo(file).Length, Is.EqualTo(length + 16 + 5 * sizeof(float)), "the cut record is dropped, the new one appended whole");
        var third = new CountingEncoder();
        var read = new float[5];
        Assert.That(new EmbeddingCache(folder).TryGet(third, "a new title", read), Is.True);
        Assert.That(read, Is.EqualTo(CountingEncoder.Expected("a new title")));
    }

    [Test]
    public void ACacheFileOfAnotherEncoder_IsNamed()
    {
        string folder = Path.Combine(_folder, "cache");
        var ml = new MLContext(1);
        var data = Titles(ml, 10);
        _ = Vectors(ml.Transforms.Text.EmbedSentences("Vector", "Title", new CountingEncoder(), new EmbeddingCache(folder)).Fit(data).Transform(data));
        string file = Directory.GetFiles(folder).Single();
        File.WriteAllText(file, "something else entirely");
        var error = Assert.Throws<InvalidDataException>(() => new EmbeddingCache(folder).TryGet(new CountingEncoder(), "x", new float[5]));
        Assert.That(error!.Message, Does.Contain(file).And.Contain("not a cache of this encoder"));
    }

    [Test]
    public void SaveAndLoad_GiveTheSameVectors_AndPredictionEngineWorks()
    {
        var ml = new MLContext(1);
        var data = Titles(ml, 50);
        var model = ml.Transforms.Text.EmbedSentences("Vector", "Title", new CountingEncoder()).Fit(data);
        string path = Path.Combine(_folder, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext(2);
        fresh.MultiTask();
        var loaded = fresh.Model.Load(path, out var schema);
        Assert.That(Vectors(loaded.Transform(data)), Is.EqualTo(Vectors(model.Transform(data))));
        var engine = fresh.Model.CreatePredictionEngine<Row, VectorOutput>(loaded, schema);
        Assert.That(engine.Predict(new Row { Title = "hello" }).Vector, Is.EqualTo(CountingEncoder.Expected("hello")));
        Assert.That(engine.Predict(new Row { Title = "" }).Vector, Is.EqualTo(new float[5]));
    }

    private sealed class VectorOutput
    {
        [VectorType(5)]
        public float[] Vector { get; set; } = [];
    }

    /// <summary>A saved pipeline of one embedding column by <see cref="CountingEncoder"/>.</summary>
    private string SaveCountingModel()
    {
        var ml = new MLContext(1);
        var data = Titles(ml, 5);
        string path = Path.Combine(_folder, "model.zip");
        ml.Model.Save(ml.Transforms.Text.EmbedSentences("Vector", "Title", new CountingEncoder()).Fit(data), data.Schema, path);
        return path;
    }

    [Test]
    public void LoadingWithoutTheEncodersPackage_NamesThePackage()
    {
        string path = SaveCountingModel();
        // The encoder's type as another process would lack it: same length, so the entry stays well formed.
        Replace(path, typeof(CountingEncoder).FullName!, "X" + typeof(CountingEncoder).FullName![1..]);
        var error = Assert.Throws<InvalidDataException>(() => new MLContext(1).MultiTask().LoadModel(path, out _));
        Assert.That(error!.Message, Does.Contain("add the NuGet package MlNetMtl.Tests").And.Contain("'counting'"));
    }

    [Test]
    public void LoadingWithAnEncoderThatGivesOtherVectors_SaysSo()
    {
        string path = SaveCountingModel();
        CountingEncoder.CurrentVersion = "2";
        var error = Assert.Throws<InvalidDataException>(() => new MLContext(1).MultiTask().LoadModel(path, out _));
        Assert.That(error!.Message, Does.Contain("'1'").And.Contain("'2'").And.Contain("retrain"));
    }

    [Test]
    public void AColumnThatIsNotText_OrIsMissing_IsNamed()
    {
        var ml = new MLContext(1);
        var data = Titles(ml, 5);
        var notText = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.EmbedSentences("Vector", "Price", new CountingEncoder()).Fit(data));
        Assert.That(notText!.Message, Does.Contain("'Price'").And.Contain("reads text"));
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.EmbedSentences("Vector", "Name", new CountingEncoder()).Fit(data));
        Assert.That(missing!.Message, Does.Contain("'Name'").And.Contain("Title"));
    }

    [Test]
    public void TheFeaturization_MakesEachTextColumnOneVectorField()
    {
        var ml = new MLContext(1);
        var data = Titles(ml, 20);
        var spec = new FeatureSpec { Numeric = ["Price"], Text = ["Title"], TextEncoder = TextEncoding.MiniLm };
        var featurized = Featurization.Pipeline(ml, spec).Fit(data).Transform(data);
        var layout = FieldLayouts.FromSchema(featurized.Schema, LoadedDataset.FeatureColumnName, InputEncoding.Embedding)!;
        var field = layout.Fields.Single(f => f.Name == "Sentence.Title");
        Assert.That((field.Kind, field.Length), Is.EqualTo((FieldKind.Vector, 384)));
        Assert.That(Featurization.Pipeline(ml, spec with { TextEncoder = TextEncoding.None }).Fit(data).Transform(data).Schema.Select(c => c.Name), Does.Not.Contain("Sentence.Title"));
    }

    /// <summary>Rewrites <paramref name="from"/> as <paramref name="to"/> (UTF-8, same length) in every entry of a model zip.</summary>
    private static void Replace(string zip, string from, string to)
    {
        using var archive = ZipFile.Open(zip, ZipArchiveMode.Update);
        foreach (var entry in archive.Entries.ToArray())
        {
            byte[] bytes;
            using (var stream = entry.Open())
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            var pattern = Encoding.UTF8.GetBytes(from);
            int at = bytes.AsSpan().IndexOf(pattern);
            if (at < 0)
                continue;
            Encoding.UTF8.GetBytes(to).CopyTo(bytes, at);
            string name = entry.FullName;
            entry.Delete();
            using var rewritten = archive.CreateEntry(name).Open();
            rewritten.Write(bytes);
        }
    }
}

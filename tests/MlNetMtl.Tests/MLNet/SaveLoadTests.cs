using Microsoft.ML;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.MLNet;

[NonParallelizable]
public class SaveLoadTests
{
    private MLContext _ml = null!;
    private IDataView _train = null!;
    private ITransformer _model = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _ml = new MLContext(seed: 1);
        _train = _ml.Data.LoadFromEnumerable(Impressions.Generate(2000, 1));
        _model = Impressions.Pipeline(_ml, new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click, Impressions.Watch], Training = new() { Epochs = 5 } }).Fit(_train);
        _directory = Directory.CreateTempSubdirectory("mlnet-mtl-").FullName;
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_directory, recursive: true);

    private static (float[] Click, float[] Watch) Scores(ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        return (Impressions.Column(scored, "click.Score"), Impressions.Column(scored, "watch.Score"));
    }

    [Test]
    public void ModelSave_ThenLoadInAFreshContext_PredictsBitForBit()
    {
        string path = Path.Combine(_directory, "model.zip");
        _ml.Model.Save(_model, _train.Schema, path);

        var fresh = new MLContext(seed: 9);
        fresh.MultiTask();                               // the one-line registration
        var loaded = fresh.Model.Load(path, out var schema);

        var data = fresh.Data.LoadFromEnumerable(Impressions.Generate(300, 4));
        var expected = Scores(_model, data);
        var actual = Scores(loaded, data);
        Assert.That(actual.Click, Is.EqualTo(expected.Click));
        Assert.That(actual.Watch, Is.EqualTo(expected.Watch));
        Assert.That(schema.Select(c => c.Name), Is.EqualTo(_train.Schema.Select(c => c.Name)));

        var original = ((IEnumerable<ITransformer>)_model).OfType<MultiTaskTransformer>().Single();
        var reloaded = ((IEnumerable<ITransformer>)loaded).OfType<MultiTaskTransformer>().Single();
        Assert.That(reloaded.Tasks, Is.EqualTo(original.Tasks));
        for (int i = 0; i < original.Network.Parameters.Count; i++)
            Assert.That(reloaded.Network.Parameters[i].Values.ToArray(), Is.EqualTo(original.Network.Parameters[i].Values.ToArray()), original.Network.Parameters[i].Name);
    }

    [Test]
    public void LoadWithoutRegistration_FailsWithMlNetsMessage_CatalogLoadRegisters()
    {
        string path = Path.Combine(_directory, "unregistered.zip");
        _ml.MultiTask().SaveModel(_model, _train.Schema, path);
        Assert.That(() => new MLContext().Model.Load(path, out _), Throws.Exception);
        var loaded = new MLContext().MultiTask().LoadModel(path, out _);
        Assert.That(Scores(loaded, _train).Click, Is.EqualTo(Scores(_model, _train).Click));
    }

    [Test]
    public void FailedSave_LeavesNoFile_AndKeepsAnExistingOne()
    {
        string path = Path.Combine(_directory, "failing.zip");
        // A custom mapping without a registered contract cannot be saved: ML.NET throws part-way through the file.
        var failing = _model.Append(_ml.Transforms.CustomMapping<Impression, Impression>((a, b) => { }, contractName: null).Fit(_train));
        Assert.That(() => _ml.MultiTask().SaveModel(failing, _train.Schema, path), Throws.Exception);
        Assert.That(File.Exists(path), Is.False);
        Assert.That(Directory.GetFiles(_directory, "*.tmp"), Is.Empty);

        File.WriteAllText(path, "previous");
        Assert.That(() => _ml.MultiTask().SaveModel(failing, _train.Schema, path), Throws.Exception);
        Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
    }

    [TestCase("truncated")]
    [TestCase("corrupt")]
    [TestCase("not a zip")]
    public void DamagedModelFile_ThrowsInvalidDataNamingTheFile(string damage)
    {
        string good = Path.Combine(_directory, "good.zip"), bad = Path.Combine(_directory, $"bad-{damage}.zip");
        _ml.MultiTask().SaveModel(_model, _train.Schema, good);
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(bad, damage switch
        {
            "truncated" => bytes[..(bytes.Length / 2)],
            "corrupt" => CorruptOurEntry(bytes),
            _ => "hello"u8.ToArray(),
        });
        var error = Assert.Throws<InvalidDataException>(() => new MLContext().MultiTask().LoadModel(bad, out _));
        Assert.That(error!.Message, Does.Contain(bad));
        if (damage == "corrupt")
            Assert.That(error.Message, Does.Contain("checksum"));
    }

    [Test]
    public void MissingModelFile_ThrowsFileNotFound() =>
        Assert.That(() => _ml.MultiTask().LoadModel(Path.Combine(_directory, "none.zip"), out _), Throws.InstanceOf<FileNotFoundException>());

    /// <summary>Rewrites our model entry inside the zip with one weight byte flipped (the zip itself stays valid).</summary>
    private static byte[] CorruptOurEntry(byte[] zipBytes)
    {
        using var stream = new MemoryStream();
        stream.Write(zipBytes);
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var magic = System.Text.Encoding.ASCII.GetBytes("MlNetMtl.MultiTaskTransformer");
            var entry = zip.Entries.Single(e => ReadAll(e).AsSpan().IndexOf(magic) >= 0);
            var content = ReadAll(entry);
            content[content.Length / 2] ^= 0x5A; // inside the weights: the entry is mostly weights
            entry.Delete();
            using var writer = zip.CreateEntry(entry.FullName).Open();
            writer.Write(content);
        }
        return stream.ToArray();
    }

    private static byte[] ReadAll(System.IO.Compression.ZipArchiveEntry entry)
    {
        using var input = entry.Open();
        using var copy = new MemoryStream();
        input.CopyTo(copy);
        return copy.ToArray();
    }
}

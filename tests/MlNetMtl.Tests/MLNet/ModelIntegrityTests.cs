using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Persistence;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.MLNet;

/// <summary>
/// A model file is read whole or not at all: every byte of our payload is covered by its checksum, a damaged file is
/// reported as damage, and files written by the previous format version keep loading with the same predictions.
/// </summary>
public class ModelIntegrityTests
{
    private static MultiTaskTransformer SmallModel()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(400, 1));
        var tasks = new[]
        {
            new TaskColumn("click", nameof(Impression.Click)),
            new TaskColumn("watch", nameof(Impression.Watch), TaskKind.Regression, lossWeight: 0.5f),
            new TaskColumn("segment", nameof(Impression.Category), TaskKind.Multiclass),
        };
        var model = Impressions.Pipeline(ml, new MultiTaskNetworkTrainerOptions { Tasks = tasks, Network = new SharedBottomOptions { BottomWidths = [4], TowerWidths = [2] }, Training = new() { Epochs = 1, Threads = 1 } }).Fit(data);
        return MultiTaskTransformer.FindIn(model)!;
    }

    private static byte[] Payload(MultiTaskTransformer model)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            MultiTaskModelFormat.Write(model, writer);
        return stream.ToArray();
    }

    private static MultiTaskTransformer Read(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload));
        return MultiTaskModelFormat.Read(reader);
    }

    [Test]
    public void ThePayload_RoundTripsTasksClassNamesAndWeights()
    {
        var model = SmallModel();
        var read = Read(Payload(model));
        Assert.That(read.Tasks, Is.EqualTo(model.Tasks));
        Assert.That(read.Tasks[2].ClassNames, Is.EqualTo(new[] { "a", "b", "c", "d", "e", "f" }));
        Assert.That(read.Network.Parameters.SelectMany(p => p.Values.ToArray()), Is.EqualTo(model.Network.Parameters.SelectMany(p => p.Values.ToArray())));
    }

    [Test]
    public void EveryFlippedByteOfThePayload_IsReportedAsDamage()
    {
        var payload = Payload(SmallModel());
        var accepted = new List<int>();
        for (int i = 0; i < payload.Length; i++)
        {
            var damaged = (byte[])payload.Clone();
            damaged[i] ^= 0x10;
            try
            {
                Read(damaged);
                accepted.Add(i);
            }
            catch (InvalidDataException)
            {
            }
        }
        Assert.That(accepted, Is.Empty, $"bytes of {payload.Length} read as another model");
    }

    /// <summary>
    /// Model files written by earlier builds keep loading and predicting bit for bit: v2 (a shared bottom, before the
    /// payload was hashed) and v3 (a PLE model written by <c>mlnet-mtl train</c> after the settings were declared once).
    /// </summary>
    [TestCase("golden-v2")]
    [TestCase("golden-v3")]
    public void AModelFileOfAnEarlierFormat_LoadsAndPredictsAsWhenItWasWritten(string name)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Golden");
        string data = Path.Combine(AppContext.BaseDirectory, "Golden", "synthetic-binary-d10.csv");
        var ml = new MLContext();
        var model = ml.MultiTask().LoadModel(Path.Combine(folder, name + ".zip"), out var schema);
        var scored = model.Transform(CsvDataset.LoadForSchema(ml, data, schema));
        var clicks = scored.GetColumn<float>("click.Score").ToArray();
        var watches = scored.GetColumn<float>("watch.Score").ToArray();
        var expected = File.ReadAllLines(Path.Combine(folder, name + "-predictions.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(clicks, Has.Length.EqualTo(expected.Length));
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.That(clicks[r], Is.EqualTo(float.Parse(expected[r][0], CultureInfo.InvariantCulture)), $"row {r}");
            Assert.That(watches[r], Is.EqualTo(float.Parse(expected[r][3], CultureInfo.InvariantCulture)), $"row {r}");
        }
    }

    /// <summary>A small click model saved to a temporary file, for a test to damage; the file is deleted after.</summary>
    private static void WithSavedModel(int seed, Action<string, IDataView, ITransformer> test)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(200, seed));
        var model = Impressions.Pipeline(ml, new MultiTaskNetworkTrainerOptions { Tasks = [Impressions.Click], Network = new SharedBottomOptions { BottomWidths = [4], TowerWidths = [2] }, Training = new() { Epochs = 1 } }).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-mtl-integrity-{Guid.NewGuid():N}.zip");
        try
        {
            ml.MultiTask().SaveModel(model, data.Schema, path);
            test(path, data, model);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AModelFileWithoutItsSchemaEntry_IsNamedAsSuch() => WithSavedModel(2, (path, _, _) =>
    {
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
            zip.GetEntry("Schema")!.Delete();
        var error = Assert.Throws<InvalidDataException>(() => new MLContext().MultiTask().LoadModel(path, out _));
        Assert.That(error!.Message, Does.Contain(path).And.Contain("input schema"));
    });

    [Test]
    public void AnEntryWhoseContentDisagreesWithItsCrc_IsReportedAsDamage() => WithSavedModel(5, (path, _, _) =>
    {
        var bytes = File.ReadAllBytes(path);
        // Flip the stored CRC-32 of the "Schema" entry in its local header (offset 14) and central directory record (offset 16).
        foreach (var (signature, nameLengthAt, nameAt, crcAt) in new[] { (0x04034b50u, 26, 30, 14), (0x02014b50u, 28, 46, 16) })
            for (int i = 0; i + nameAt < bytes.Length; i++)
                if (BitConverter.ToUInt32(bytes, i) == signature && System.Text.Encoding.ASCII.GetString(bytes, i + nameAt, BitConverter.ToUInt16(bytes, i + nameLengthAt)) == "Schema")
                    bytes[i + crcAt] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => new MLContext().MultiTask().LoadModel(path, out _));
        Assert.That(error!.Message, Does.Contain("entry 'Schema' fails its CRC check"));
    });

    [Test]
    public void BytesFlippedAnywhereInAModelFile_NeverLoadAsAnotherModel() => WithSavedModel(3, (path, data, model) =>
    {
        string damaged = path + ".damaged.zip";
        var expected = model.Transform(data).GetColumn<float>("click.Score").ToArray();
        var bytes = File.ReadAllBytes(path);
        var random = new Random(4);
        var silent = new List<int>();
        try
        {
            for (int trial = 0; trial < 60; trial++)
            {
                int at = random.Next(bytes.Length);
                var copy = (byte[])bytes.Clone();
                copy[at] ^= 0x20;
                File.WriteAllBytes(damaged, copy);
                try
                {
                    var loaded = new MLContext().MultiTask().LoadModel(damaged, out _);
                    if (!loaded.Transform(data).GetColumn<float>("click.Score").SequenceEqual(expected))
                        silent.Add(at);
                }
                catch (InvalidDataException)
                {
                }
            }
        }
        finally
        {
            File.Delete(damaged);
        }
        Assert.That(silent, Is.Empty, "damaged files that loaded and predicted differently");
    });
}

using System.Net;
using System.Text.Json;
using Microsoft.ML;
using MlNetMtl.Cli.Serving;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.Tests.MLNet.Images;
using SkiaSharp;

namespace MlNetMtl.Tests.Serving;

/// <summary>
/// <c>serve</c> on a model with an image column: a request's image paths are read on the server (relative to the model's
/// image folder); a path naming no file, or a file that is not an image, is a 400 naming the row and the file, and never
/// fails the other requests scored in the same forward pass.
/// </summary>
[NonParallelizable]
public class ImageServingTests : TemporaryFolderTests
{
    private string _model = "";

    private sealed record Row(string Cover, string Tab, bool Click);

    [SetUp]
    public void TrainModel()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "covers"));
        for (int p = 0; p < 4; p++)
            TestImages.Write(Path.Combine(Folder, "covers", $"{p}.png"), 40 + 20 * p, 64, SKColors.White, p % 2 == 0 ? SKColors.Red : SKColors.Blue);
        File.WriteAllText(Path.Combine(Folder, "covers", "notes.png"), "not pixels");
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(r => new Row($"covers/{r % 4}.png", $"tab{r % 3}", r % 4 % 2 == 0)));
        var spec = new FeatureSpec { Categorical = [nameof(Row.Tab)], Images = [nameof(Row.Cover)], ImageFolder = Folder };
        var model = Featurization.Pipeline(ml, spec).Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = [new TaskColumn("click", nameof(Row.Click), TaskKind.Binary)], Training = new() { Epochs = 1 },
        })).Fit(train);
        _model = Path.Combine(Folder, "model.zip");
        ml.MultiTask().SaveModel(model, train.Schema, _model);
    }

    private static string Body(params (string Cover, string Tab)[] rows) => JsonSerializer.Serialize(rows.Select(r => new Dictionary<string, string> { ["Cover"] = r.Cover, ["Tab"] = r.Tab }));

    [TestCase("covers/gone.png", "row 1: Column 'Cover' names the image \"covers/gone.png\", but")]
    [TestCase("covers/notes.png", "row 1: ")]
    public async Task AnImageThatCannotBeRead_Is400_NamingTheRowAndFile(string cover, string message)
    {
        var (server, client) = await ServerFixture.Start(_model);
        await using (server)
        using (client)
        {
            using var response = await client.PostAsync("/predict", ServerFixture.Body(Body(("covers/0.png", "tab0"), (cover, "tab1"))));
            string text = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(400), text);
            string error = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!;
            Assert.That(error, Does.StartWith(message).And.Contain(Path.Combine(Folder, cover)));
            using var good = await client.PostAsync("/predict", ServerFixture.Body(Body(("covers/1.png", "tab2"), (" covers/3.png ", "tab0"), ("", "tab1"))));
            Assert.That(good.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the server goes on serving, an empty cell a missing image");
        }
    }

    [Test]
    public async Task ARequestThatFails_DoesNotFailTheOthersInItsForwardPass()
    {
        var model = ServedModel.Load(_model);
        object[][] Parse(string body) => JsonDocument.Parse(body).RootElement.EnumerateArray().Select(model.Parse).ToArray();
        var good = Parse(Body(("covers/0.png", "tab0"), ("covers/1.png", "tab1")));
        var bad = Parse(Body(("covers/2.png", "tab2"), ("covers/gone.png", "tab0")));
        await using var batcher = new MicroBatcher(ServerOptions.Default with { MaxWaitMilliseconds = 5_000 });
        // Three requests arriving together, so the first waits for the others and all three share one forward pass.
        for (int i = 0; i < 3; i++)
            batcher.Arrive();
        var first = batcher.TryScore(model, good)!;
        var failing = batcher.TryScore(model, bad)!;
        var third = batcher.TryScore(model, good)!;
        var expected = ServerFixture.Text(model.Score(good));
        Assert.That(ServerFixture.Text(await first), Is.EqualTo(expected));
        Assert.That(ServerFixture.Text(await third), Is.EqualTo(expected));
        Exception? error = null;
        try
        {
            await failing;
        }
        catch (Exception thrown)
        {
            error = thrown;
        }
        Assert.That(error, Is.Not.Null, "the request naming a missing image fails");
        Assert.That(ServedModel.IsRequestFault(error!), "the request's fault (400), not the server's");
        Assert.That(model.Explain(bad, error!), Does.StartWith("row 1: Column 'Cover' names the image \"covers/gone.png\""));
        Assert.That(batcher.Counts, Is.EqualTo((2L, 4L)), "the shared pass failed; each request was then scored alone");
    }
}

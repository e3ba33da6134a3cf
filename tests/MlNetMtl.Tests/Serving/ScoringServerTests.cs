using System.Net;
using System.Text.Json;
using MlNetMtl.Cli.Serving;

namespace MlNetMtl.Tests.Serving;

/// <summary>
/// <c>mlnet-mtl serve</c> in process on localhost: concurrent clients get the predictions of each row scored alone,
/// bad requests get 400/413 naming the cause, the model reloads atomically under load.
/// </summary>
[NonParallelizable]
public class ScoringServerTests : TemporaryFolderTests
{
    private string _model = "";

    [SetUp]
    public void TrainModel()
    {
        _model = Path.Combine(Folder, "model.zip");
        ServerFixture.Train(_model, seed: 1);
    }

    [Test]
    public async Task ConcurrentClients_GetExactlyTheBatchFreePredictions_InFewerForwardPasses()
    {
        var (server, client) = await ServerFixture.Start(_model);
        await using (server)
        using (client)
        {
            var model = server.Models.Current;
            var rows = ServerFixture.Rows;
            var responses = await Task.WhenAll(rows.Select(async row =>
            {
                using var response = await client.PostAsync("/predict", ServerFixture.Body("[" + ServerFixture.Json(row) + "]"));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            }));
            for (int r = 0; r < rows.Count; r++)
            {
                var prediction = responses[r].RootElement.GetProperty("predictions")[0];
                Assert.That(prediction.GetRawText(), Is.EqualTo(ServerFixture.Text(ServerFixture.Alone(model, rows[r]))), $"row {r}");
                Assert.That(responses[r].RootElement.GetProperty("modelVersion").GetString(), Is.EqualTo(model.Version));
            }
            var (batches, scored) = server.Counts;
            TestContext.Out.WriteLine($"{rows.Count} requests in {batches} forward passes");
            Assert.That(scored, Is.EqualTo(rows.Count));
            Assert.That(batches, Is.LessThan(rows.Count), "concurrent requests share forward passes");
        }
    }

    [Test]
    public async Task SeveralRowsInOneRequest_ComeBackInOrder()
    {
        var (server, client) = await ServerFixture.Start(_model);
        await using (server)
        using (client)
        {
            var rows = ServerFixture.Rows.Take(5).ToList();
            using var response = await client.PostAsync("/predict", ServerFixture.Body("{\"rows\": [" + string.Join(",", rows.Select(ServerFixture.Json)) + "]}"));
            var predictions = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions");
            Assert.That(predictions.GetArrayLength(), Is.EqualTo(5));
            for (int r = 0; r < 5; r++)
                Assert.That(predictions[r].GetRawText(), Is.EqualTo(ServerFixture.Text(ServerFixture.Alone(server.Models.Current, rows[r]))));
        }
    }

    private static readonly string Good = ServerFixture.Json(ServerFixture.Rows[0]);

    public static IEnumerable<TestCaseData> BadRequests()
    {
        yield return new TestCaseData("{not json", 400, "The body is not JSON").SetName("Bad_MalformedJson");
        yield return new TestCaseData("42", 400, "must be a JSON array of rows").SetName("Bad_NotRows");
        yield return new TestCaseData("[]", 400, "no rows").SetName("Bad_NoRows");
        yield return new TestCaseData("[7]", 400, "row 0: expected an object").SetName("Bad_RowNotAnObject");
        yield return new TestCaseData("[" + Good + "," + Good.Replace("\"Price\"", "\"Prize\"") + "]", 400, "row 1: unknown field 'Prize'; the model reads City, Tab, User, Age, Price, Member")
            .SetName("Bad_UnknownField");
        yield return new TestCaseData("[" + Good.Replace(",\"Member\":true", "").Replace(",\"Member\":false", "") + "]", 400, "row 0: missing field 'Member' (boolean)").SetName("Bad_MissingField");
        yield return new TestCaseData("[" + Good.Replace("\"Price\":", "\"Price\":\"cheap\",\"x\":") + "]", 400, "row 0, field 'Price': expected a number, got the string \"cheap\"")
            .SetName("Bad_WrongType");
        yield return new TestCaseData("[" + Good.Replace("\"City\":", "\"City\":3,\"y\":") + "]", 400, "row 0, field 'City': expected a string, got the number 3").SetName("Bad_NumberForText");
    }

    [TestCaseSource(nameof(BadRequests))]
    public async Task ABadRequest_Is4xx_WithTheCauseNamed(string body, int status, string message)
    {
        var (server, client) = await ServerFixture.Start(_model);
        await using (server)
        using (client)
        {
            using var response = await client.PostAsync("/predict", ServerFixture.Body(body));
            string text = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(status), text);
            Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), Does.Contain(message));
            using var health = await client.GetAsync("/health");
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the server goes on serving");
        }
    }

    [Test]
    public async Task ABodyOverTheLimit_Is413()
    {
        var (server, client) = await ServerFixture.Start(_model, ServerOptions.Default with { MaxBodyBytes = 2_000 });
        await using (server)
        using (client)
        {
            using var response = await client.PostAsync("/predict", ServerFixture.Body("[" + string.Join(",", Enumerable.Repeat(Good, 50)) + "]"));
            string text = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(413), text);
            Assert.That(text, Does.Contain("larger than 2,000 bytes"));
        }
    }

    [Test]
    public async Task Metadata_NamesTasksInputsAndVersion()
    {
        var (server, client) = await ServerFixture.Start(_model);
        await using (server)
        using (client)
        {
            var metadata = JsonDocument.Parse(await client.GetStringAsync("/metadata")).RootElement;
            Assert.That(metadata.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString()), Is.EqualTo(new[] { "click", "watch", "tier" }));
            Assert.That(metadata.GetProperty("inputs").EnumerateArray().Select(t => t.GetProperty("name").GetString()), Is.EqualTo(new[] { "City", "Tab", "User", "Age", "Price", "Member" }));
            Assert.That(metadata.GetProperty("modelVersion").GetString(), Has.Length.EqualTo(12));
            Assert.That(metadata.GetProperty("privacy").ValueKind, Is.EqualTo(JsonValueKind.Null));
        }
    }

    [Test]
    public async Task AReplacedModelFile_IsServedAtomically_UnderLoad_AndADamagedOneIsNot()
    {
        string second = Path.Combine(Folder, "second.zip");
        ServerFixture.Train(second, seed: 2);
        var log = new List<string>();
        var (server, client) = await ServerFixture.Start(_model, log: log);
        await using (server)
        using (client)
        {
            var first = server.Models.Current;
            var next = ServedModel.Load(second);
            Assert.That(next.Version, Is.Not.EqualTo(first.Version));
            var expected = new Dictionary<string, ServedModel> { [first.Version] = first, [next.Version] = next };
            using var stop = new CancellationTokenSource();
            var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
            var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested || i < 5; i++)
                {
                    var row = ServerFixture.Rows[(c * 31 + i) % ServerFixture.Rows.Count];
                    using var response = await client.PostAsync("/predict", ServerFixture.Body("[" + ServerFixture.Json(row) + "]"));
                    Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                    var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    string version = root.GetProperty("modelVersion").GetString()!;
                    seen.Add(version);
                    // Every response is wholly one model's: its version and that model's own predictions.
                    Assert.That(root.GetProperty("predictions")[0].GetRawText(), Is.EqualTo(ServerFixture.Text(ServerFixture.Alone(expected[version], row))));
                }
            })).ToArray();
            await Task.Delay(300);
            File.WriteAllText(_model + ".partial", "not a model");
            File.Move(_model + ".partial", _model, overwrite: true); // a damaged file: the current model stays
            await WaitFor(() => log.Any(l => l.StartsWith("Kept model", StringComparison.Ordinal)));
            Assert.That(server.Models.Current.Version, Is.EqualTo(first.Version));
            File.Copy(second, _model + ".partial");
            File.Move(_model + ".partial", _model, overwrite: true); // replaced as AtomicFile replaces: renamed over
            await WaitFor(() => server.Models.Current.Version == next.Version);
            await Task.Delay(300);
            stop.Cancel();
            await Task.WhenAll(clients);
            Assert.That(seen, Does.Contain(first.Version).And.Contain(next.Version));
            TestContext.Out.WriteLine(string.Join(Environment.NewLine, log));
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (int i = 0; i < 100 && !condition(); i++)
            await Task.Delay(50);
        Assert.That(condition(), Is.True, "within 5 s");
    }
}

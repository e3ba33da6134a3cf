using System.Diagnostics;
using System.Net;

namespace MlNetMtl.Tests.Serving;

/// <summary>
/// A load test against the server on localhost, bounded in count (2,000 one-row requests per level) and time (20 s per level):
/// latency percentiles and throughput at 1, 8 and 64 concurrent clients, then 64 clients while the model file is replaced.
/// Asserts zero errors and that the reload happened under load; the figures are printed (the machine is shared, so no
/// timing is asserted) and quoted in benchmarks/README.md.
/// </summary>
[NonParallelizable]
public class ServerLoadTests : TemporaryFolderTests
{
    private const int RequestsPerLevel = 2_000;
    private static readonly TimeSpan LevelTime = TimeSpan.FromSeconds(20);

    [Test]
    public async Task OneEightAndSixtyFourClients_AndAReloadUnderLoad_GiveNoErrors()
    {
        string model = Path.Combine(Folder, "model.zip"), second = Path.Combine(Folder, "second.zip");
        ServerFixture.Train(model, seed: 1);
        ServerFixture.Train(second, seed: 2);
        var (server, client) = await ServerFixture.Start(model);
        await using (server)
        using (client)
        {
            client.DefaultRequestHeaders.ConnectionClose = false;
            var bodies = ServerFixture.Rows.Select(r => "[" + ServerFixture.Json(r) + "]").ToArray();
            TestContext.Out.WriteLine("| clients | requests | errors | p50 ms | p90 ms | p99 ms | requests/s | forward passes |");
            TestContext.Out.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (int clients in new[] { 1, 8, 64 })
                await Level(server, client, bodies, clients, reload: null);
            string before = server.Models.Current.Version;
            await Level(server, client, bodies, 64, reload: () =>
            {
                File.Copy(second, model + ".partial");
                File.Move(model + ".partial", model, overwrite: true);
            }, reloaded: () => server.Models.Current.Version != before);
            Assert.That(server.Models.Current.Version, Is.Not.EqualTo(before), "the model was reloaded under load");
        }
    }

    private static async Task Level(MlNetMtl.Cli.Serving.ScoringServer server, HttpClient client, string[] bodies, int clients, Action? reload, Func<bool>? reloaded = null)
    {
        // With a reload, the level goes on past its count until the new model answers (bounded by the level's time).
        var latencies = new double[RequestsPerLevel * 50];
        int next = -1, errors = 0;
        var (batchesBefore, _) = server.Counts;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < latencies.Length && (i < RequestsPerLevel || reloaded?.Invoke() == false) && clock.Elapsed < LevelTime)
            {
                if (i == RequestsPerLevel / 2)
                    reload?.Invoke();
                var start = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("/predict", ServerFixture.Body(bodies[i % bodies.Length]));
                await response.Content.ReadAsByteArrayAsync();
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                    Interlocked.Increment(ref errors);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        double seconds = clock.Elapsed.TotalSeconds;
        int done = Math.Min(latencies.Length, next - clients + 1); // each worker's last increment found the level over
        var sorted = latencies.Take(done).Order().ToArray();
        double Percentile(double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        var (batchesAfter, _) = server.Counts;
        TestContext.Out.WriteLine($"| {clients}{(reload is null ? "" : " + reload")} | {done:N0} | {errors} | {Percentile(0.5):F2} | {Percentile(0.9):F2} | {Percentile(0.99):F2} | {done / seconds:N0} | {batchesAfter - batchesBefore:N0} |");
        Assert.That(errors, Is.Zero, $"{clients} clients");
        Assert.That(done, Is.GreaterThan(0));
    }
}

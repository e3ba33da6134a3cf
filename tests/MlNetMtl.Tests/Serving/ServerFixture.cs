using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using MlNetMtl.Cli.Serving;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Tests.Onnx;

namespace MlNetMtl.Tests.Serving;

/// <summary>Two trained models (different seeds, so different scores) on the featurized rows of the ONNX tests, and request helpers.</summary>
internal static class ServerFixture
{
    public static readonly List<OnnxParityTests.Row> Rows = OnnxParityTests.Rows(200, seed: 9);

    /// <summary>Trains a binary, regression and multiclass model and saves it to <paramref name="path"/>.</summary>
    public static void Train(string path, int seed)
    {
        var ml = new MLContext(seed: seed);
        var train = ml.Data.LoadFromEnumerable(OnnxParityTests.Rows(500, seed: 1));
        var spec = new FeatureSpec { Categorical = ["City", "Tab"], Numeric = ["Age", "Price"], Flags = ["Member"], Ids = ["User"], HashBits = 8 };
        var model = Featurization.Pipeline(ml, spec).Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = [new TaskColumn("click", "Click", TaskKind.Binary), new TaskColumn("watch", "Watch", TaskKind.Regression), new TaskColumn("tier", "Tier", TaskKind.Multiclass)],
            Network = new MmoeOptions { ExpertCount = 3, ExpertWidths = [12] },
            Training = new() { Epochs = 1, Seed = seed },
        })).Fit(train);
        ml.MultiTask().SaveModel(model, train.Schema, path);
    }

    /// <summary>A row's model inputs as a JSON object (NaN as null, as a missing number).</summary>
    public static string Json(OnnxParityTests.Row row) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["City"] = row.City, ["Tab"] = row.Tab, ["User"] = row.User, ["Age"] = float.IsNaN(row.Age) ? null : row.Age, ["Price"] = row.Price, ["Member"] = row.Member,
    });

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A running server on a free port and a client of it.</summary>
    public static async Task<(ScoringServer Server, HttpClient Client)> Start(string modelPath, ServerOptions? options = null, List<string>? log = null)
    {
        int port = FreePort();
        var server = new ScoringServer(modelPath, (options ?? ServerOptions.Default) with { Port = port }, line => { lock (log ?? []) log?.Add(line); });
        await server.StartAsync(CancellationToken.None);
        return (server, new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") });
    }

    /// <summary>Each output of one row scored alone by <paramref name="model"/> (a batch of one: the batch-free prediction).</summary>
    public static Dictionary<string, object> Alone(ServedModel model, OnnxParityTests.Row row)
    {
        using var json = JsonDocument.Parse(Json(row));
        return model.Score([model.Parse(json.RootElement, 0)])[0];
    }

    /// <summary>The JSON text a prediction dictionary is written as, to compare a response with it exactly.</summary>
    public static string Text(object value) => JsonSerializer.Serialize(value);
}

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MlNetMtl.Cli.Serving;

/// <summary>
/// The HTTP scoring server of <c>mlnet-mtl serve</c> (ASP.NET Core, Kestrel): <c>POST /predict</c> with JSON rows (an array,
/// or <c>{"rows": [...]}</c>) gives every task's outputs per row; <c>GET /health</c>; <c>GET /metadata</c> (tasks, input
/// columns, model version, the DP guarantee when there is one). Requests are micro-batched (<see cref="MicroBatcher"/>) and
/// the model reloads when its file changes (<see cref="ModelHost"/>).
/// </summary>
internal sealed class ScoringServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ModelHost _models;
    private readonly MicroBatcher _batcher;
    private readonly ServerOptions _options;
    private readonly Action<string> _log;

    public ScoringServer(string modelPath, ServerOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
        _models = new ModelHost(modelPath, log);
        _batcher = new MicroBatcher(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            if (options.Host == "*")
                kestrel.ListenAnyIP(options.Port);
            else if (options.Host == "localhost")
                kestrel.ListenLocalhost(options.Port);
            else
                kestrel.Listen(System.Net.IPAddress.Parse(options.Host), options.Port);
        });
        _app = builder.Build();
        _app.MapGet("/health", () => Results.Json(new { status = "ok", modelVersion = _models.Current.Version }));
        _app.MapGet("/metadata", () => Results.Json(Metadata(_models.Current)));
        _app.MapPost("/predict", Predict);
    }

    /// <summary>The model now served.</summary>
    public ModelHost Models => _models;

    /// <summary>Forward passes and rows scored.</summary>
    public (long Batches, long Rows) Counts => _batcher.Counts;

    public Task StartAsync(CancellationToken token) => _app.StartAsync(token);

    /// <summary>Stops listening, finishes the requests in flight and the queued batches.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        await _batcher.DisposeAsync().ConfigureAwait(false);
        _models.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IResult> Predict(HttpRequest request)
    {
        _batcher.Arrive();
        bool queued = false;
        try
        {
            return await Score(request, () => queued = true).ConfigureAwait(false);
        }
        finally
        {
            if (!queued)
                _batcher.Leave();
        }
    }

    private async Task<IResult> Score(HttpRequest request, Action queued)
    {
        var model = _models.Current; // the model this request is parsed and scored with, whatever reloads meanwhile
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            return Error(400, $"The body is not JSON: {error.Message}");
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Error(413, $"The body is larger than {_options.MaxBodyBytes:N0} bytes (--max-body-bytes); send fewer rows per request.");
        }
        using (document)
        {
            var root = document.RootElement;
            var rows = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("rows", out var inner) && inner.ValueKind == JsonValueKind.Array ? inner
                : (JsonElement?)null;
            if (rows is not { } array)
                return Error(400, "The body must be a JSON array of rows, or an object whose \"rows\" is one.");
            int count = array.GetArrayLength();
            if (count == 0)
                return Error(400, "The request has no rows.");
            if (count > _options.MaxRowsPerRequest)
                return Error(413, $"The request has {count:N0} rows; at most {_options.MaxRowsPerRequest:N0} are taken (--max-rows).");
            object[][] cells;
            try
            {
                cells = array.EnumerateArray().Select(model.Parse).ToArray();
            }
            catch (BadRequestException error)
            {
                return Error(400, error.Message);
            }
            queued();
            var scoring = _batcher.TryScore(model, cells);
            if (scoring is null)
                return Error(503, $"The server has {_options.QueueCapacity:N0} requests waiting (--queue); try again shortly.");
            Dictionary<string, object>[] predictions;
            try
            {
                predictions = await scoring.ConfigureAwait(false);
            }
            catch (Exception error) when (ServedModel.IsRequestFault(error))
            {
                return Error(400, model.Explain(cells, error));
            }
            catch (Exception error)
            {
                string cause = CliErrors.Describe(error).Message;
                _log($"A request could not be scored: {cause}");
                return Error(500, $"The model could not score the request: {cause}");
            }
            return Results.Json(new { modelVersion = model.Version, predictions });
        }
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    private static object Metadata(ServedModel model) => new
    {
        modelVersion = model.Version,
        modelPath = model.Path,
        architecture = model.Network.Network.Options.Name,
        tasks = model.Network.Tasks.Select(t => new { name = t.Name, kind = t.Kind.Name, label = t.LabelColumnName, classes = t.ClassNames }),
        inputs = model.Inputs.Select(c => new { name = c.Name, type = ServedModel.Describe(c.Type) }),
        outputs = model.OutputNames,
        privacy = model.Network.Privacy is { } p ? new { epsilon = p.Epsilon, delta = p.Delta, unit = p.Unit } : null,
    };
}

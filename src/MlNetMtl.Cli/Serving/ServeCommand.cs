using System.CommandLine;

namespace MlNetMtl.Cli.Serving;

/// <summary><c>mlnet-mtl serve</c>: a saved model behind an HTTP API until interrupted (Ctrl+C or SIGTERM stops it gracefully).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var defaults = ServerOptions.Default;
        var model = new Option<FileInfo>("--model", "-m") { Description = "The model file (.zip); reloaded when it changes.", Required = true };
        var port = new Option<int>("--port") { Description = "The port to listen on.", DefaultValueFactory = _ => defaults.Port };
        var host = new Option<string>("--host") { Description = "The address to listen on: localhost, * (every interface) or an IP address.", DefaultValueFactory = _ => defaults.Host };
        var batch = new Option<int>("--max-batch-rows") { Description = "Most rows of concurrent requests scored in one forward pass.", DefaultValueFactory = _ => defaults.MaxBatchRows };
        var wait = new Option<double>("--max-wait-ms") { Description = "Longest a request waits for others to join its batch, in milliseconds.", DefaultValueFactory = _ => defaults.MaxWaitMilliseconds };
        var queue = new Option<int>("--queue") { Description = "Most requests waiting to be scored; more get 503.", DefaultValueFactory = _ => defaults.QueueCapacity };
        var body = new Option<long>("--max-body-bytes") { Description = "Largest request body; larger get 413.", DefaultValueFactory = _ => defaults.MaxBodyBytes };
        var rows = new Option<int>("--max-rows") { Description = "Most rows in one request; more get 413.", DefaultValueFactory = _ => defaults.MaxRowsPerRequest };
        var command = new Command("serve", "Serve a saved model over HTTP: POST /predict (JSON rows in, every task's outputs out), GET /health, GET /metadata.");
        foreach (var option in new Option[] { model, port, host, batch, wait, queue, body, rows })
            command.Options.Add(option);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            string path = CliPaths.Input(parse.GetValue(model)!, "--model");
            var options = new ServerOptions
            {
                Port = Positive(parse.GetValue(port), "--port"), Host = Host(parse.GetValue(host)!), MaxBatchRows = Positive(parse.GetValue(batch), "--max-batch-rows"),
                MaxWaitMilliseconds = parse.GetValue(wait) is >= 0 and var w ? w : throw new ArgumentException("--max-wait-ms must be 0 or more."),
                QueueCapacity = Positive(parse.GetValue(queue), "--queue"), MaxBodyBytes = parse.GetValue(body) is > 0 and var b ? b : throw new ArgumentException("--max-body-bytes must be positive."),
                MaxRowsPerRequest = Positive(parse.GetValue(rows), "--max-rows"),
            };
            return Serve(path, options, run).GetAwaiter().GetResult();
        }));
        return command;
    }

    /// <summary>localhost, * or an IP address; anything else named with the option (Kestrel would say only "An invalid IP address was specified").</summary>
    private static string Host(string host) => host is "localhost" or "*" || System.Net.IPAddress.TryParse(host, out _) ? host
        : throw new ArgumentException($"--host '{host}' is not localhost, * or an IP address.");

    private static int Positive(int value, string option) => value > 0 ? value : throw new ArgumentException($"{option} must be positive; got {value}.");

    private static async Task<int> Serve(string path, ServerOptions options, CommandRun run)
    {
        await using var server = new ScoringServer(path, options, line => Console.Error.WriteLine(line));
        try
        {
            await server.StartAsync(run.Token).ConfigureAwait(false);
        }
        catch (IOException error)
        {
            throw new ArgumentException($"--port {options.Port}: cannot listen on {options.Host}:{options.Port} ({error.Message}).");
        }
        var model = server.Models.Current;
        run.Output.Line($"Serving {path} (model {model.Version}; tasks {string.Join(", ", model.Network.Tasks.Select(t => t.Name))}) on http://{options.Host}:{options.Port}: " +
            "POST /predict, GET /health, GET /metadata. Ctrl+C stops.");
        try
        {
            await Task.Delay(Timeout.Infinite, run.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        var (batches, rows) = server.Counts;
        run.Output.Line($"Stopped: scored {rows:N0} rows in {batches:N0} forward passes; {server.Models.Reloads} reloads.");
        return 0;
    }
}

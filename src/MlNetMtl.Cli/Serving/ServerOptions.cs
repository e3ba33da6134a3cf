namespace MlNetMtl.Cli.Serving;

/// <summary>How <c>mlnet-mtl serve</c> listens, batches and bounds requests; each default is declared here once (the CLI options read it).</summary>
internal sealed record ServerOptions
{
    /// <summary>The port. Default 5000.</summary>
    public int Port { get; init; } = 5000;
    /// <summary>The address to listen on: localhost (default), or * for every interface.</summary>
    public string Host { get; init; } = "localhost";
    /// <summary>Most rows scored in one forward pass: concurrent requests are gathered up to this. Default 512.</summary>
    public int MaxBatchRows { get; init; } = 512;
    /// <summary>Longest a request waits for others to join its batch, in milliseconds. Default 2.</summary>
    public double MaxWaitMilliseconds { get; init; } = 2;
    /// <summary>Most requests waiting to be scored; more are refused with 503. Default 1,024.</summary>
    public int QueueCapacity { get; init; } = 1024;
    /// <summary>Largest request body in bytes; larger are refused with 413. Default 1 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;
    /// <summary>Most rows in one request. Default 10,000.</summary>
    public int MaxRowsPerRequest { get; init; } = 10_000;

    /// <summary>The defaults.</summary>
    public static ServerOptions Default { get; } = new();
}

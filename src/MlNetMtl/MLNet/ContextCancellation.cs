using Microsoft.ML;
using MlNetMtl.MLNet.Persistence;

namespace MlNetMtl.MLNet;

/// <summary>
/// One token that is cancelled when the caller's token is, or when the <see cref="MLContext"/>'s execution is cancelled
/// (ML.NET 5.0.1 keeps that state internal and raises no event, so it is polled), for training to stop between mini-batches.
/// </summary>
internal sealed class ContextCancellation : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly CancellationTokenSource _source;
    private readonly Timer _poll;
    private readonly MLContext _context;
    // Guards _source against a poll that was already queued when Dispose ran (a timer callback can still fire after
    // Timer.Dispose returns; cancelling a disposed source throws on a thread-pool thread and ends the process).
    private readonly Lock _gate = new();
    private bool _disposed;

    public ContextCancellation(MLContext context, CancellationToken token)
    {
        _context = context;
        _source = CancellationTokenSource.CreateLinkedTokenSource(token);
        _poll = new Timer(_ => Poll(), null, TimeSpan.Zero, PollInterval);
        Poll();
    }

    public CancellationToken Token => _source.Token;

    private void Poll()
    {
        lock (_gate)
        {
            if (!_disposed && MlNetInternals.IsCanceled(_context))
                _source.Cancel();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        _poll.Dispose();
        _source.Dispose();
    }
}

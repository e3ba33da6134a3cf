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

    public ContextCancellation(MLContext context, CancellationToken token)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(token);
        _poll = new Timer(_ =>
        {
            if (MlNetInternals.IsCanceled(context))
                _source.Cancel();
        }, null, TimeSpan.Zero, PollInterval);
        if (MlNetInternals.IsCanceled(context))
            _source.Cancel();
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        _poll.Dispose();
        _source.Dispose();
    }
}

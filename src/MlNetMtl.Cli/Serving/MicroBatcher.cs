using System.Diagnostics;
using System.Threading.Channels;

namespace MlNetMtl.Cli.Serving;

/// <summary>
/// Gathers concurrent requests into one forward pass: a bounded queue (full: the request is refused, 503), and a loop that
/// takes the first waiting request, then others until the batch holds <see cref="ServerOptions.MaxBatchRows"/> rows or
/// <see cref="ServerOptions.MaxWaitMilliseconds"/> have passed, and scores them together. Requests parsed against different
/// models (a reload in between) never share a batch. Each row's scores do not depend on the others in its batch; a batch
/// that fails is scored again request by request, so only the request at fault fails.
/// </summary>
internal sealed class MicroBatcher : IAsyncDisposable
{
    private sealed record Pending(ServedModel Model, IReadOnlyList<object[]> Rows, TaskCompletionSource<Dictionary<string, object>[]> Done);

    private readonly Channel<Pending> _queue;
    private readonly ServerOptions _options;
    private readonly Task _loop;
    private Pending? _carried;
    private long _batches, _rows;
    private int _arriving;

    public MicroBatcher(ServerOptions options)
    {
        _options = options;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Forward passes run and rows scored so far.</summary>
    public (long Batches, long Rows) Counts => (Interlocked.Read(ref _batches), Interlocked.Read(ref _rows));

    /// <summary>
    /// Says a request is being read; until it is queued (or refused: <see cref="Leave"/>), a batch waits for it. With none
    /// arriving a batch goes at once: a lone client never waits <see cref="ServerOptions.MaxWaitMilliseconds"/>.
    /// </summary>
    public void Arrive() => Interlocked.Increment(ref _arriving);

    /// <summary>A request that <see cref="Arrive"/>d will not be queued.</summary>
    public void Leave() => Interlocked.Decrement(ref _arriving);

    /// <summary>Queues rows of a request that <see cref="Arrive"/>d for scoring by <paramref name="model"/>; null when the queue is full.</summary>
    public Task<Dictionary<string, object>[]>? TryScore(ServedModel model, IReadOnlyList<object[]> rows)
    {
        Leave();
        var pending = new Pending(model, rows, new TaskCompletionSource<Dictionary<string, object>[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending) ? pending.Done.Task : null;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (_carried is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var first = _carried ?? (reader.TryRead(out var next) ? next : null);
            _carried = null;
            if (first is null)
                continue;
            var batch = new List<Pending> { first };
            int rows = first.Rows.Count;
            var waited = Stopwatch.StartNew();
            while (rows < _options.MaxBatchRows)
            {
                if (reader.TryRead(out var more))
                {
                    if (!ReferenceEquals(more.Model, first.Model) || rows + more.Rows.Count > _options.MaxBatchRows)
                    {
                        _carried = more; // the next batch's first
                        break;
                    }
                    batch.Add(more);
                    rows += more.Rows.Count;
                    continue;
                }
                double left = _options.MaxWaitMilliseconds - waited.Elapsed.TotalMilliseconds;
                if (left <= 0 || Volatile.Read(ref _arriving) <= 0)
                    break;
                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(left));
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                        break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            Score(first.Model, batch, rows);
        }
    }

    private void Score(ServedModel model, List<Pending> batch, int rows)
    {
        try
        {
            var all = batch.Count == 1 ? batch[0].Rows : batch.SelectMany(p => p.Rows).ToArray();
            var scores = model.Score(all);
            int offset = 0;
            foreach (var pending in batch)
            {
                pending.Done.SetResult(scores[offset..(offset + pending.Rows.Count)]);
                offset += pending.Rows.Count;
            }
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _rows, rows);
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One request's rows (an image file it names that cannot be read) must not fail the others': each scored alone.
            foreach (var pending in batch)
                Score(model, [pending], pending.Rows.Count);
        }
        catch (Exception error)
        {
            batch[0].Done.TrySetException(error);
        }
    }

    /// <summary>Stops taking requests and scores those already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}

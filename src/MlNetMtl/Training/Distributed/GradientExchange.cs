using System.Runtime.InteropServices;
using MlNetMtl.Networks;
using MlNetMtl.Numerics;

namespace MlNetMtl.Training.Distributed;

/// <summary>
/// Sums the processes' gradients so that every process holds the mini-batch's whole gradient, in the order the workers of
/// one process sum theirs (<see cref="DataParallelObjective"/>), so N processes give the bits of N threads:
/// <list type="bullet">
/// <item>a dense gradient part by part (<see cref="WorkParts.Dense"/>): each process receives every process's values of
/// its part, sums them in rank order and sends the sum to all — a reduce-scatter and an all-gather, each process sending
/// its gradient's size once and receiving it once, whatever the number of processes;</item>
/// <item>a row-sparse gradient (an embedding table, a first layer over sparse rows) as the rows each process touched and
/// their values — never the whole table — gathered by every process and merged in rank order: a row's first values
/// copied, the later ones added, the touched rows listed in the order one process's workers would list them.</item>
/// </list>
/// Only the first <c>contributors</c> processes had rows of a batch (a small batch has fewer shards than processes): the
/// others' values are not added, as a worker without a shard adds nothing. Each process's header — its losses and flags,
/// a few values every process needs — travels with the dense gradients' first exchange, once the processes agree which
/// gradients are row-sparse (from their first step on): a step then costs two exchanges, three with row-sparse gradients.
/// </summary>
internal sealed class GradientExchange(Communicator communicator, IReadOnlyList<Parameter> parameters)
{
    private readonly Parameter[] _parameters = parameters.ToArray();
    private float[] _send = [], _receive = [], _sum = [], _all = [];
    private byte[] _packed = [], _gathered = [];
    private readonly int[] _counts = new int[communicator.Size];
    // Once agreed (after the first step): which gradients are dense and which row-sparse, and the dense exchange's counts.
    private Parameter[]? _dense, _sparse;
    private int[] _partLengths = [], _sendCounts = [], _receiveCounts = [];

    /// <summary>
    /// Every process's <paramref name="header"/> into <paramref name="headers"/> (rank order); then, unless
    /// <paramref name="proceed"/> (which reads the headers) says not to, every process's gradients summed into each process's.
    /// Every process gets the same headers, so all proceed or none.
    /// </summary>
    /// <param name="contributors">The processes, from rank 0, whose values count.</param>
    /// <param name="step">The step, for the timeout's message.</param>
    /// <param name="header">This process's header (the same length in every process).</param>
    /// <param name="headers">Receives every process's header.</param>
    /// <param name="proceed">Reads the headers; false ends the step before its gradients are summed.</param>
    /// <returns>Whether the gradients were summed.</returns>
    public bool Sum(int contributors, long step, double[] header, double[] headers, Func<bool> proceed)
    {
        bool headersSent = _dense is null;
        if (headersSent)
        {
            // Until the processes have agreed which gradients are row-sparse (a process learns it in its first backward
            // pass with rows, and tells the others in its header), the headers go first, on their own.
            communicator.AllGather(header, headers, $"the loss exchange of step {step:N0}");
            if (!proceed())
                return false;
            Agree();
        }
        foreach (var parameter in _dense!)
            if (parameter.TouchedRows is not null)
                throw new InvalidOperationException($"Gradient '{parameter.Name}' became row-sparse after the processes agreed it was dense.");
        if (!SumDense(contributors, step, headersSent ? null : (header, headers, proceed)))
            return false;
        if (_sparse!.Length > 0)
            SumSparse(_sparse, contributors, step);
        return true;
    }

    /// <summary>Fixes which gradients are dense and the dense exchange's counts (each part's values, with a header in front).</summary>
    private void Agree()
    {
        _dense = _parameters.Where(p => p.TouchedRows is null).ToArray();
        _sparse = _parameters.Where(p => p.TouchedRows is not null).ToArray();
        int size = communicator.Size;
        _partLengths = Enumerable.Range(0, size).Select(part => _dense.Sum(p => WorkParts.Dense(p, part, size).Length)).ToArray();
        _sendCounts = new int[size];
        _receiveCounts = new int[size];
    }

    /// <summary>
    /// The dense gradients, with the headers in front when given: reduce-scatter, sum in rank order, all-gather. False when
    /// the headers' <c>proceed</c> stops the step after the first exchange.
    /// </summary>
    private bool SumDense(int contributors, long step, (double[] Mine, double[] All, Func<bool> Proceed)? headers)
    {
        int size = communicator.Size, me = communicator.Rank;
        var headerValues = headers is { } given ? MemoryMarshal.Cast<double, float>(given.Mine.AsSpan()) : [];
        int h = headerValues.Length, total = _partLengths.Sum(), mine = _partLengths[me];
        if (h == 0 && _dense!.Length == 0)
            return true;
        Reserve(ref _send, total + size * h);
        Reserve(ref _receive, (mine + h) * size);
        Reserve(ref _sum, mine);
        Reserve(ref _all, total);
        // Reduce-scatter: to each part's owner, this process's header, then its values of that part.
        int at = 0;
        for (int part = 0; part < size; part++)
        {
            headerValues.CopyTo(_send.AsSpan(at, h));
            at += h;
            foreach (var parameter in _dense!)
            {
                var (start, length) = WorkParts.Dense(parameter, part, size);
                parameter.Gradient.AsSpan(start, length).CopyTo(_send.AsSpan(at, length));
                at += length;
            }
            _sendCounts[part] = h + _partLengths[part];
            _receiveCounts[part] = h + mine;
        }
        communicator.AllToAll(_send, _sendCounts, _receive, _receiveCounts, $"the gradient exchange of step {step:N0}");
        if (headers is { } exchanged)
        {
            var received = MemoryMarshal.Cast<double, float>(exchanged.All.AsSpan());
            for (int q = 0; q < size; q++)
                _receive.AsSpan(q * (h + mine), h).CopyTo(received.Slice(q * h, h));
            if (!exchanged.Proceed())
                return false;
        }
        if (_dense!.Length == 0)
            return true;
        var sum = _sum.AsSpan(0, mine);
        _receive.AsSpan(h, mine).CopyTo(sum);
        for (int q = 1; q < contributors; q++)
            VectorOps.AddScaled(1f, _receive.AsSpan(q * (h + mine) + h, mine), sum);
        // All-gather: each owner's sum to every process, back into the gradients.
        communicator.AllGather(_sum, mine, _all, _partLengths, $"the gradient exchange of step {step:N0}");
        at = 0;
        for (int part = 0; part < size; part++)
            foreach (var parameter in _dense)
            {
                var (start, length) = WorkParts.Dense(parameter, part, size);
                _all.AsSpan(at, length).CopyTo(parameter.Gradient.AsSpan(start, length));
                at += length;
            }
        return true;
    }

    /// <summary>
    /// The row-sparse gradients: this process's touched rows packed — per parameter, the count, the row numbers, then
    /// the rows' values — gathered from every process and merged in rank order.
    /// </summary>
    private void SumSparse(Parameter[] sparse, int contributors, long step)
    {
        int bytes = 0;
        foreach (var parameter in sparse)
            bytes += sizeof(int) * (1 + parameter.TouchedRows!.Count * (1 + parameter.Columns));
        if (_packed.Length < bytes)
            _packed = new byte[bytes];
        int at = 0;
        foreach (var parameter in sparse)
        {
            var touched = parameter.TouchedRows!;
            int width = parameter.Columns;
            MemoryMarshal.Write(_packed.AsSpan(at), touched.Count);
            at += sizeof(int);
            var rows = touched.Rows;
            MemoryMarshal.AsBytes(rows).CopyTo(_packed.AsSpan(at));
            at += rows.Length * sizeof(int);
            foreach (int row in rows)
            {
                MemoryMarshal.AsBytes(parameter.Gradient.AsSpan(row * width, width)).CopyTo(_packed.AsSpan(at));
                at += width * sizeof(float);
            }
        }
        communicator.AllGather(_packed, bytes, ref _gathered, _counts, $"the exchange of touched rows of step {step:N0}");
        foreach (var parameter in sparse)
            parameter.TouchedRows!.Clear();
        int offset = 0;
        for (int q = 0; q < communicator.Size; q++)
        {
            if (q < contributors)
            {
                var theirs = _gathered.AsSpan(offset, _counts[q]);
                foreach (var parameter in sparse)
                    theirs = theirs[Merge(parameter, theirs)..];
            }
            offset += _counts[q];
        }
    }

    /// <summary>
    /// Adds one process's rows of <paramref name="parameter"/> from the front of <paramref name="packed"/>: a row first met
    /// is copied (and listed), a row met before is added to. Returns the bytes read.
    /// </summary>
    private static int Merge(Parameter parameter, ReadOnlySpan<byte> packed)
    {
        int count = MemoryMarshal.Read<int>(packed), width = parameter.Columns;
        var rows = MemoryMarshal.Cast<byte, int>(packed.Slice(sizeof(int), count * sizeof(int)));
        var values = MemoryMarshal.Cast<byte, float>(packed.Slice(sizeof(int) * (1 + count), count * width * sizeof(float)));
        for (int i = 0; i < count; i++)
        {
            int row = rows[i];
            var gradient = parameter.Gradient.AsSpan(row * width, width);
            var theirs = values.Slice(i * width, width);
            if (parameter.TouchedRows!.Mark(row))
                theirs.CopyTo(gradient);
            else
                VectorOps.AddScaled(1f, theirs, gradient);
        }
        return sizeof(int) * (1 + count * (1 + width));
    }

    private static void Reserve(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = new float[length];
    }
}

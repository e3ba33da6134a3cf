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
/// others' values are not added, as a worker without a shard adds nothing.
/// </summary>
internal sealed class GradientExchange(Communicator communicator, IReadOnlyList<Parameter> parameters)
{
    private readonly Parameter[] _parameters = parameters.ToArray();
    private float[] _send = [], _receive = [], _sum = [], _all = [];

    /// <summary>Every process's gradients of the parameters summed into each process's.</summary>
    /// <param name="contributors">The processes, from rank 0, whose values count.</param>
    /// <param name="step">The step, for the timeout's message.</param>
    public void Sum(int contributors, long step)
    {
        var dense = _parameters.Where(p => p.TouchedRows is null).ToArray();
        var sparse = _parameters.Where(p => p.TouchedRows is not null).ToArray();
        if (dense.Length > 0)
            SumDense(dense, contributors, step);
        if (sparse.Length > 0)
            SumSparse(sparse, contributors, step);
    }

    private void SumDense(Parameter[] dense, int contributors, long step)
    {
        int size = communicator.Size, me = communicator.Rank;
        var partLengths = Enumerable.Range(0, size).Select(part => dense.Sum(p => WorkParts.Dense(p, part, size).Length)).ToArray();
        int total = partLengths.Sum(), mine = partLengths[me];
        Reserve(ref _send, total);
        Reserve(ref _receive, mine * size);
        Reserve(ref _sum, mine);
        Reserve(ref _all, total);
        // Reduce-scatter: this process's values, part by part, each part to its owner.
        int at = 0;
        for (int part = 0; part < size; part++)
            foreach (var parameter in dense)
            {
                var (start, length) = WorkParts.Dense(parameter, part, size);
                parameter.Gradient.AsSpan(start, length).CopyTo(_send.AsSpan(at, length));
                at += length;
            }
        communicator.AllToAll(_send, partLengths, _receive, Enumerable.Repeat(mine, size).ToArray(), $"the gradient exchange of step {step:N0}");
        var sum = _sum.AsSpan(0, mine);
        _receive.AsSpan(0, mine).CopyTo(sum);
        for (int q = 1; q < contributors; q++)
            VectorOps.AddScaled(1f, _receive.AsSpan(q * mine, mine), sum);
        // All-gather: each owner's sum to every process, back into the gradients.
        communicator.AllGather(_sum, mine, _all, partLengths, $"the gradient exchange of step {step:N0}");
        at = 0;
        for (int part = 0; part < size; part++)
            foreach (var parameter in dense)
            {
                var (start, length) = WorkParts.Dense(parameter, part, size);
                _all.AsSpan(at, length).CopyTo(parameter.Gradient.AsSpan(start, length));
                at += length;
            }
    }

    private void SumSparse(Parameter[] sparse, int contributors, long step)
    {
        // This process's rows: per parameter, the count, the row numbers, then the rows' values.
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            foreach (var parameter in sparse)
            {
                var touched = parameter.TouchedRows!;
                writer.Write(touched.Count);
                foreach (int row in touched.Rows)
                    writer.Write(row);
                int width = parameter.Columns;
                foreach (int row in touched.Rows)
                    writer.Write(MemoryMarshal.AsBytes(parameter.Gradient.AsSpan(row * width, width)));
            }
        var (all, counts) = communicator.AllGather(buffer.GetBuffer(), (int)buffer.Length, $"the exchange of touched rows of step {step:N0}");
        foreach (var parameter in sparse)
            parameter.TouchedRows!.Clear();
        int offset = 0;
        for (int q = 0; q < communicator.Size; q++)
        {
            if (q < contributors)
            {
                using var reader = new BinaryReader(new MemoryStream(all, offset, counts[q], writable: false));
                foreach (var parameter in sparse)
                    Merge(parameter, reader);
            }
            offset += counts[q];
        }
    }

    /// <summary>Adds one process's rows of <paramref name="parameter"/>: a row first met is copied (and listed), a row met before is added to.</summary>
    private static void Merge(Parameter parameter, BinaryReader reader)
    {
        int count = reader.ReadInt32(), width = parameter.Columns;
        var rows = new int[count];
        for (int i = 0; i < count; i++)
            rows[i] = reader.ReadInt32();
        var values = new float[width];
        foreach (int row in rows)
        {
            reader.Read(MemoryMarshal.AsBytes(values.AsSpan()));
            var gradient = parameter.Gradient.AsSpan(row * width, width);
            if (parameter.TouchedRows!.Mark(row))
                values.CopyTo(gradient);
            else
                VectorOps.AddScaled(1f, values, gradient);
        }
    }

    private static void Reserve(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = new float[length];
    }
}

namespace MlNetMtl.Training;

/// <summary>
/// One vector per task, all of <see cref="Length"/> values, over reusable buffers that may be longer (gradient
/// surgery's per-task gradients, whose length changes with the rows a sparse batch touches).
/// </summary>
internal readonly struct TaskVectors(float[][] buffers, int length)
{
    public int Count => buffers.Length;
    public int Length => length;
    public Span<float> this[int task] => buffers[task].AsSpan(0, length);

    /// <summary>Grows each of <paramref name="buffers"/> to hold at least <paramref name="length"/> values, keeping their contents (never shrinks).</summary>
    public static TaskVectors Reuse(float[][] buffers, int length)
    {
        for (int t = 0; t < buffers.Length; t++)
            if (buffers[t].Length < length)
                Array.Resize(ref buffers[t], Math.Max(length, buffers[t].Length * 2));
        return new TaskVectors(buffers, length);
    }
}

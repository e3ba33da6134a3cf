using MlNetMtl.Data;

namespace MlNetMtl.Training;

/// <summary>
/// A training session's validation after each epoch: the mean loss per task and the early-stopping task's metric, over
/// mini-batches of the validation rows. Over several processes each evaluates every N-th batch, and the batches' sums
/// (and, for AUC, their scores) are exchanged and combined in batch order, so every process gets the exact figures of
/// one process evaluating them all — the same bits, the same early-stopping decisions.
/// </summary>
internal sealed partial class TrainingSession
{
    /// <summary>Per validation batch of this process's, then of every process's: kept between epochs, as each epoch's are the same size.</summary>
    private double[] _validationSums = [], _allValidationSums = [];

    /// <summary>
    /// Mean loss per task over <paramref name="rows"/> of the validation set, dropout off, and the early-stopping task's
    /// metric (AUC for binary, RMSE for regression, loss for multiclass; NaN without such a task).
    /// </summary>
    /// <exception cref="InvalidOperationException">A validation loss is not finite.</exception>
    private (double[] Losses, double Metric) Evaluate(int[] rows, int epoch)
    {
        int tasks = _tasks.Count, capacity = _workspace.Capacity;
        int batches = (rows.Length + capacity - 1) / capacity;
        var communicator = _distributed?.Communicator;
        int rank = communicator?.Rank ?? 0, processes = communicator?.Size ?? 1;
        int batchesEach = (batches + processes - 1) / processes;
        bool auc = _stoppingTask is { } stopping && _tasks[stopping].Kind.Stopping == StoppingMetric.Auc;
        // Per batch of this process's: each task's Σ w·ℓ, then each task's Σ w, then how many rows it scored for AUC.
        int stride = 2 * tasks + 1;
        var mine = Cleared(ref _validationSums, batchesEach * stride);
        var scored = new List<float>(); // score and label, row after row
        for (int batch = rank, k = 0; batch < batches; batch += processes, k++)
        {
            int start = batch * capacity, count = Math.Min(capacity, rows.Length - start);
            var sums = mine.AsSpan(k * stride, stride);
            var input = _validationBatches!.Gather(rows.AsSpan(start, count));
            if (!MultiTaskObjective.Evaluate(_network, input, _validationBatches.LabelBuffers, _validationBatches.WeightBuffers, _workspace, null, backward: false,
                    sums[..tasks], sums[tasks..(2 * tasks)], out int failed))
            {
                sums[failed] = double.NaN; // said by every process once the sums are combined
                continue;
            }
            if (auc)
                sums[2 * tasks] = Scored(_stoppingTask!.Value, count, scored);
        }
        var all = mine;
        if (communicator is not null)
        {
            all = Cleared(ref _allValidationSums, mine.Length * processes);
            communicator.AllGather(mine, all, $"the validation of epoch {epoch}");
        }
        var lossSums = new double[tasks];
        var weightSums = new double[tasks];
        for (int batch = 0; batch < batches; batch++)
        {
            var sums = all.AsSpan(Slot(batch, processes, batchesEach) * stride, stride);
            for (int t = 0; t < tasks; t++)
            {
                lossSums[t] += sums[t];
                weightSums[t] += sums[tasks + t];
            }
        }
        for (int t = 0; t < tasks; t++)
            if (!double.IsFinite(lossSums[t]))
                throw new InvalidOperationException($"Validation loss of task '{_tasks[t].Name}' is not finite: training diverged.");
        var losses = Means(lossSums, weightSums);
        double metric = _stoppingTask is not { } task ? double.NaN : _tasks[task].Kind.Stopping switch
        {
            StoppingMetric.Auc => Auc(communicator is null ? scored : AllScored(scored, all, batches, processes, batchesEach, stride, epoch)),
            StoppingMetric.RootMeanLoss => Math.Sqrt(losses[task]),
            _ => losses[task],
        };
        return (losses, metric);
    }

    /// <summary><paramref name="buffer"/> zeroed, first made <paramref name="length"/> long if it is not.</summary>
    private static double[] Cleared(ref double[] buffer, int length)
    {
        if (buffer.Length != length)
            buffer = new double[length];
        else
            Array.Clear(buffer);
        return buffer;
    }

    /// <summary>Where batch <paramref name="batch"/> is among the exchanged batches: process batch mod N's, its (batch div N)-th.</summary>
    private static int Slot(int batch, int processes, int batchesEach) => batch % processes * batchesEach + batch / processes;

    /// <summary>Appends the labelled rows' scores and labels of <paramref name="task"/> in the batch just evaluated; returns how many.</summary>
    private int Scored(int task, int count, List<float> scored)
    {
        var outputs = _workspace.TaskOutputs(task, count);
        int added = 0;
        for (int r = 0; r < count; r++)
            if (_validationBatches!.WeightBuffers[task][r] > 0)
            {
                scored.Add(outputs[r]);
                scored.Add(_validationBatches.LabelBuffers[task][r]);
                added++;
            }
        return added;
    }

    /// <summary>Every process's scored rows, put back in batch order (each process's are its batches' in order).</summary>
    private List<float> AllScored(List<float> mine, double[] all, int batches, int processes, int batchesEach, int stride, int epoch)
    {
        int tasks = _tasks.Count;
        var counts = new int[processes];
        for (int batch = 0; batch < batches; batch++)
            counts[batch % processes] += 2 * (int)all[Slot(batch, processes, batchesEach) * stride + 2 * tasks];
        var gathered = new float[counts.Sum()];
        _distributed!.Communicator.AllGather(mine.ToArray(), mine.Count, gathered, counts, $"the validation scores of epoch {epoch}");
        var starts = new int[processes];
        for (int q = 1; q < processes; q++)
            starts[q] = starts[q - 1] + counts[q - 1];
        var ordered = new List<float>(gathered.Length);
        for (int batch = 0; batch < batches; batch++)
        {
            int q = batch % processes, values = 2 * (int)all[Slot(batch, processes, batchesEach) * stride + 2 * tasks];
            ordered.AddRange(gathered.AsSpan(starts[q], values));
            starts[q] += values;
        }
        return ordered;
    }

    /// <summary>The AUC of (score, label) pairs.</summary>
    private static double Auc(List<float> scored)
    {
        var scores = new float[scored.Count / 2];
        var labels = new float[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = scored[2 * i];
            labels[i] = scored[2 * i + 1];
        }
        return Evaluation.RankingMetrics.Auc(scores, labels);
    }
}

using Microsoft.ML;
using MlNetMtl.Data;
using MlNetMtl.Evaluation;
using MlNetMtl.Training;

namespace MlNetMtl.MLNet.Evaluation;

/// <summary>
/// What a loss-threshold membership-inference attack (<see cref="MembershipInference"/>) learns about a model's training rows.
/// </summary>
/// <param name="AttackAuc">AUC of telling training rows from held-out rows by their loss (0.5: no better than chance).</param>
/// <param name="EmpiricalEpsilon">The ε the attack proves at 95% confidence (a lower bound on any guarantee the model could have).</param>
/// <param name="Delta">The δ the bound is computed for: the model's own, else 1/(10·members).</param>
/// <param name="Members">Training rows attacked.</param>
/// <param name="NonMembers">Held-out rows attacked.</param>
/// <param name="TrainedEpsilon">The ε the model was trained with (DP-SGD), or null.</param>
public sealed record PrivacyAuditResult(double AttackAuc, double EmpiricalEpsilon, double Delta, int Members, int NonMembers, double? TrainedEpsilon);

/// <summary>Runs the membership-inference audit: each row's loss under the model (the tasks' losses with their loss weights).</summary>
internal static class PrivacyAudit
{
    public static PrivacyAuditResult Run(ITransformer model, IDataView training, IDataView heldOut, int maxRows, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 2);
        var transformer = MultiTaskTransformer.FindIn(model) ?? throw new ArgumentException("The model holds no MlNetMtl multi-task transformer.", nameof(model));
        var random = new Random(seed);
        var members = Sample(RowLosses(transformer, model.Transform(training), "training"), maxRows, random);
        var nonMembers = Sample(RowLosses(transformer, model.Transform(heldOut), "held-out"), maxRows, random);
        double delta = transformer.Privacy?.Delta ?? 1.0 / (10.0 * members.Length);
        return new PrivacyAuditResult(MembershipInference.Auc(members, nonMembers), MembershipInference.EmpiricalEpsilon(members, nonMembers, delta),
            delta, members.Length, nonMembers.Length, transformer.Privacy?.Epsilon);
    }

    /// <summary>Σₜ λₜ·ℓₜ of every row (a task with a masked label adds nothing).</summary>
    private static double[] RowLosses(MultiTaskTransformer transformer, IDataView scored, string role)
    {
        MultiTaskDataset data;
        try
        {
            data = TrainingDataReader.Read(scored, transformer.FeatureColumnName, transformer.Tasks);
        }
        catch (ArgumentException error)
        {
            throw new ArgumentException($"The {role} data: {error.Message}", error);
        }
        var network = transformer.Network;
        int capacity = Math.Min(1024, data.Rows);
        var batches = new BatchGatherer(data, capacity);
        var workspace = network.CreateWorkspace(capacity);
        var losses = new double[data.Rows];
        var rows = new int[capacity];
        var gradient = new float[network.Tasks.Max(t => t.OutputWidth)];
        for (int start = 0; start < data.Rows; start += capacity)
        {
            int count = Math.Min(capacity, data.Rows - start);
            for (int r = 0; r < count; r++)
                rows[r] = start + r;
            var batch = batches.Gather(rows.AsSpan(0, count));
            network.Forward(batch, workspace, dropout: null);
            for (int t = 0; t < network.Tasks.Count; t++)
            {
                var task = network.Tasks[t];
                int width = task.OutputWidth;
                var outputs = workspace.TaskOutputs(t, count);
                for (int r = 0; r < count; r++)
                    losses[start + r] += task.LossWeight * TaskLoss.Evaluate(task, outputs.Slice(r * width, width), batches.LabelBuffers[t].AsSpan(r, 1),
                        batches.WeightBuffers[t].AsSpan(r, 1), gradient.AsSpan(0, width));
            }
        }
        return losses;
    }

    /// <summary>At most <paramref name="count"/> of the values, in a seeded random order.</summary>
    private static double[] Sample(double[] values, int count, Random random)
    {
        random.Shuffle(values);
        return values.Length <= count ? values : values[..count];
    }
}

using MlNetMtl.Networks;

namespace MlNetMtl.Persistence;

/// <summary>Our own versioned payload of a <see cref="MultiTaskTransformer"/> inside an ML.NET model file.</summary>
internal static class MultiTaskModelFormat
{
    private const string Magic = "MlNetMtl.MultiTaskTransformer";
    private const int PayloadVersion = 2;

    public static void Write(MultiTaskTransformer transformer, BinaryWriter writer)
    {
        writer.Write(Magic);
        writer.Write(PayloadVersion);
        writer.Write(transformer.FeatureColumnName);
        writer.Write(transformer.Tasks.Count);
        foreach (var task in transformer.Tasks)
        {
            writer.Write(task.LabelColumnName);
            writer.Write(task.MissingLabelValue.HasValue);
            writer.Write(task.MissingLabelValue ?? 0f);
            writer.Write(task.WeightColumnName ?? "");
        }
        NetworkSerializer.Write(transformer.Network, writer);
    }

    /// <exception cref="InvalidDataException">The payload is not ours, of an unknown version, truncated or corrupted.</exception>
    public static MultiTaskTransformer Read(BinaryReader reader)
    {
        try
        {
            if (reader.ReadString() != Magic)
                throw new InvalidDataException("The model entry is not an MlNetMtl multi-task transformer.");
            int version = reader.ReadInt32();
            if (version != PayloadVersion)
                throw new InvalidDataException($"MlNetMtl model payload version {version} is not supported (this build reads version {PayloadVersion}).");
            string featureColumn = reader.ReadString();
            int taskCount = reader.ReadInt32();
            if (taskCount <= 0 || taskCount > 10_000)
                throw new InvalidDataException($"The model header is corrupt ({taskCount} tasks).");
            var labels = new (string Column, float? Missing, string Weight)[taskCount];
            for (int t = 0; t < taskCount; t++)
            {
                string column = reader.ReadString();
                bool hasMissing = reader.ReadBoolean();
                float missing = reader.ReadSingle();
                labels[t] = (column, hasMissing ? missing : null, reader.ReadString());
            }
            var network = NetworkSerializer.Read(reader);
            if (network.Tasks.Count != taskCount)
                throw new InvalidDataException($"The model lists {taskCount} label columns but its network has {network.Tasks.Count} tasks.");
            var tasks = network.Tasks.Select((task, t) =>
                new TaskColumn(task.Name, labels[t].Column, task.Kind, task.LossWeight, task.MissingLabels, labels[t].Missing, labels[t].Weight, task.ClassCount)).ToArray();
            return new MultiTaskTransformer(network, featureColumn, tasks, []);
        }
        catch (EndOfStreamException error)
        {
            throw new InvalidDataException("The MlNetMtl model data end early: the model file is truncated.", error);
        }
    }
}

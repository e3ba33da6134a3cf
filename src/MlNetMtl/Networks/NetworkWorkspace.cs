namespace MlNetMtl.Networks;

/// <summary>
/// The activations, dropout masks and gradient buffers of one forward/backward pass over up to
/// <see cref="Capacity"/> rows. Allocated once and reused, so steady-state passes do not allocate.
/// </summary>
internal sealed class NetworkWorkspace
{
    public NetworkWorkspace(SharedBottomNetwork network, int capacity)
    {
        Capacity = capacity;
        BottomOutputs = network.Bottom.Select(l => new float[capacity * l.Outputs]).ToArray();
        TowerOutputs = network.Towers.Select(tower => tower.Select(l => new float[capacity * l.Outputs]).ToArray()).ToArray();
        bool dropout = network.Options.Dropout > 0;
        BottomMasks = dropout ? network.Bottom.Select(l => new float[capacity * l.Outputs]).ToArray() : [];
        TowerMasks = dropout ? network.Towers.Select(tower => tower.SkipLast(1).Select(l => new float[capacity * l.Outputs]).ToArray()).ToArray() : [];
        int widest = network.Bottom.Concat(network.Towers.SelectMany(t => t)).Max(l => l.Outputs);
        GradientA = new float[capacity * widest];
        GradientB = new float[capacity * widest];
        SharedGradient = new float[capacity * network.Bottom[^1].Outputs];
        OutputGradients = network.Tasks.Select(_ => new float[capacity]).ToArray();
    }

    public int Capacity { get; }
    public float[][] BottomOutputs { get; }
    public float[][][] TowerOutputs { get; }
    /// <summary>Inverted-dropout masks (0 or 1/(1−p)) per hidden layer; empty without dropout.</summary>
    public float[][] BottomMasks { get; }
    public float[][][] TowerMasks { get; }
    public float[] GradientA { get; }
    public float[] GradientB { get; }
    /// <summary>dL/d(bottom output), summed over the towers.</summary>
    public float[] SharedGradient { get; }
    /// <summary>dL/d(task output) per task.</summary>
    public float[][] OutputGradients { get; }

    /// <summary>Task <paramref name="task"/>'s outputs (logits or values) of the last forward pass.</summary>
    public ReadOnlySpan<float> TaskOutputs(int task, int rows) => TowerOutputs[task][^1].AsSpan(0, rows);
}

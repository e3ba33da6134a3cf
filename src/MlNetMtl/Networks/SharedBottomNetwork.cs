using System.Collections.Concurrent;
using MathNet.Numerics.Distributions;
using MlNetMtl.Data;
using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// The shared-bottom multi-task network: a shared ReLU MLP feeds one tower per task; each tower ends in a
/// single linear output (a logit for binary tasks, the value for regression).
/// </summary>
public sealed class SharedBottomNetwork
{
    private const int PredictionChunk = 1024;
    private readonly ConcurrentBag<NetworkWorkspace> _predictionWorkspaces = new();

    private SharedBottomNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, SharedBottomOptions options)
    {
        InputDimension = inputDimension;
        Tasks = tasks.ToArray();
        Options = options;
        var bottom = new List<DenseLayer>();
        int width = inputDimension;
        for (int l = 0; l < options.BottomWidths.Length; l++)
        {
            bottom.Add(new DenseLayer($"bottom.{l}", width, options.BottomWidths[l], Activation.Relu));
            width = options.BottomWidths[l];
        }
        Bottom = bottom.ToArray();
        Towers = Tasks.Select(task => BuildTower(task.Name, width, options.TowerWidths)).ToArray();
        Parameters = Bottom.Concat(Towers.SelectMany(t => t)).SelectMany(l => new[] { l.Weight, l.Bias }).ToArray();
    }

    /// <summary>Builds a network with seeded He (ReLU layers) / Xavier (output layers) normal initialisation and zero biases.</summary>
    /// <param name="inputDimension">Width of an input row.</param>
    /// <param name="tasks">The tasks, one tower each.</param>
    /// <param name="options">The layer widths and dropout; defaults when null.</param>
    /// <param name="seed">Seed of the initialisation.</param>
    /// <param name="firstLayerFanIn">
    /// The fan-in used to scale the first layer's initial weights; default the input width. For sparse rows,
    /// pass the mean non-zeros per row, the number of terms each first-layer output actually sums.
    /// </param>
    /// <exception cref="ArgumentException">No tasks, duplicate task names, empty bottom widths, a non-positive width, a dropout outside [0, 1).</exception>
    public static SharedBottomNetwork Create(int inputDimension, IReadOnlyList<TaskDefinition> tasks, SharedBottomOptions? options = null,
        int seed = 0, double? firstLayerFanIn = null)
    {
        var network = CreateUninitialized(inputDimension, tasks, options);
        network.Initialize(new Random(seed), Math.Max(1.0, firstLayerFanIn ?? inputDimension));
        return network;
    }

    /// <summary>Builds the layers with all weights zero (for a loader that fills them in).</summary>
    internal static SharedBottomNetwork CreateUninitialized(int inputDimension, IReadOnlyList<TaskDefinition> tasks, SharedBottomOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputDimension);
        TaskDefinition.ValidateList(tasks, nameof(tasks));
        options ??= new SharedBottomOptions();
        options.Validate();
        return new SharedBottomNetwork(inputDimension, tasks, options);
    }

    /// <summary>Width of an input row.</summary>
    public int InputDimension { get; }
    /// <summary>The tasks, in output order.</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; }
    /// <summary>The layer widths and dropout.</summary>
    public SharedBottomOptions Options { get; }
    /// <summary>Every trainable parameter: the bottom's layers, then each tower's, weight before bias.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    internal DenseLayer[] Bottom { get; }
    internal DenseLayer[][] Towers { get; }

    /// <summary>
    /// Scores rows: <paramref name="scores"/>[row × tasks + task] receives the logit (binary) or value (regression).
    /// Thread-safe; dropout is off.
    /// </summary>
    public void Predict(InputBatch input, Span<float> scores)
    {
        CheckInput(input);
        int tasks = Tasks.Count;
        if (scores.Length < (long)input.Rows * tasks)
            throw new ArgumentException($"Scores hold {scores.Length} values; {input.Rows} rows × {tasks} tasks need {input.Rows * tasks}.", nameof(scores));
        var workspace = _predictionWorkspaces.TryTake(out var pooled) ? pooled : new NetworkWorkspace(this, PredictionChunk);
        try
        {
            for (int start = 0; start < input.Rows; start += PredictionChunk)
            {
                int rows = Math.Min(PredictionChunk, input.Rows - start);
                Forward(Slice(input, start, rows), workspace, dropout: null);
                for (int t = 0; t < tasks; t++)
                {
                    var outputs = workspace.TaskOutputs(t, rows);
                    for (int r = 0; r < rows; r++)
                        scores[(start + r) * tasks + t] = outputs[r];
                }
            }
        }
        finally
        {
            _predictionWorkspaces.Add(workspace);
        }
    }

    internal void CheckInput(InputBatch input)
    {
        if (input.Dimension != InputDimension)
            throw new ArgumentException($"Input rows have width {input.Dimension}; the network was built for {InputDimension}.", nameof(input));
    }

    /// <summary>Forward pass over <paramref name="input"/>; dropout masks are drawn from <paramref name="dropout"/> when it is given.</summary>
    internal void Forward(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        int rows = input.Rows;
        bool applyDropout = dropout is not null && Options.Dropout > 0;
        for (int l = 0; l < Bottom.Length; l++)
        {
            var output = workspace.BottomOutputs[l].AsSpan(0, rows * Bottom[l].Outputs);
            if (l == 0)
                Bottom[0].Forward(input, output);
            else
                Bottom[l].Forward(workspace.BottomOutputs[l - 1].AsSpan(0, rows * Bottom[l].Inputs), rows, output);
            if (applyDropout)
                ApplyDropout(output, workspace.BottomMasks[l], dropout!);
        }
        var shared = workspace.BottomOutputs[^1].AsSpan(0, rows * Bottom[^1].Outputs);
        for (int t = 0; t < Towers.Length; t++)
        {
            var tower = Towers[t];
            ReadOnlySpan<float> previous = shared;
            for (int l = 0; l < tower.Length; l++)
            {
                var output = workspace.TowerOutputs[t][l].AsSpan(0, rows * tower[l].Outputs);
                tower[l].Forward(previous, rows, output);
                if (applyDropout && l < tower.Length - 1)
                    ApplyDropout(output, workspace.TowerMasks[t][l], dropout!);
                previous = output;
            }
        }
    }

    /// <summary>
    /// Backward pass after <see cref="Forward"/> (with the same input and workspace), from dL/d(task output) in
    /// <see cref="NetworkWorkspace.OutputGradients"/>; leaves every parameter's gradient.
    /// </summary>
    internal void Backward(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        int rows = input.Rows;
        int sharedWidth = Bottom[^1].Outputs;
        var shared = workspace.BottomOutputs[^1].AsSpan(0, rows * sharedWidth);
        var sharedGradient = workspace.SharedGradient.AsSpan(0, rows * sharedWidth);
        for (int t = 0; t < Towers.Length; t++)
        {
            var tower = Towers[t];
            Span<float> gradient = workspace.GradientA;
            Span<float> next = workspace.GradientB;
            workspace.OutputGradients[t].AsSpan(0, rows).CopyTo(gradient);
            for (int l = tower.Length - 1; l >= 0; l--)
            {
                var layer = tower[l];
                var output = workspace.TowerOutputs[t][l].AsSpan(0, rows * layer.Outputs);
                var layerGradient = gradient[..(rows * layer.Outputs)];
                if (dropoutApplied && l < tower.Length - 1)
                    VectorOps.Multiply(layerGradient, workspace.TowerMasks[t][l].AsSpan(0, layerGradient.Length), layerGradient);
                if (l == 0)
                {
                    layer.Backward(shared, output, layerGradient, sharedGradient, rows, accumulateInputGradient: t > 0);
                }
                else
                {
                    var input2 = workspace.TowerOutputs[t][l - 1].AsSpan(0, rows * layer.Inputs);
                    layer.Backward(input2, output, layerGradient, next[..(rows * layer.Inputs)], rows);
                    var swap = gradient;
                    gradient = next;
                    next = swap;
                }
            }
        }

        Span<float> bottomGradient = workspace.GradientA;
        Span<float> bottomNext = workspace.GradientB;
        sharedGradient.CopyTo(bottomGradient);
        for (int l = Bottom.Length - 1; l >= 0; l--)
        {
            var layer = Bottom[l];
            var output = workspace.BottomOutputs[l].AsSpan(0, rows * layer.Outputs);
            var layerGradient = bottomGradient[..(rows * layer.Outputs)];
            if (dropoutApplied)
                VectorOps.Multiply(layerGradient, workspace.BottomMasks[l].AsSpan(0, layerGradient.Length), layerGradient);
            if (l == 0)
            {
                layer.Backward(input, output, layerGradient);
            }
            else
            {
                layer.Backward(workspace.BottomOutputs[l - 1].AsSpan(0, rows * layer.Inputs), output, layerGradient, bottomNext[..(rows * layer.Inputs)], rows);
                var swap = bottomGradient;
                bottomGradient = bottomNext;
                bottomNext = swap;
            }
        }
    }

    internal NetworkWorkspace CreateWorkspace(int capacity) => new(this, capacity);

    /// <summary>Copies every parameter's values into <paramref name="snapshot"/> (allocated on first use).</summary>
    internal void SaveValues(ref float[][]? snapshot)
    {
        snapshot ??= Parameters.Select(p => new float[p.Value.Length]).ToArray();
        for (int i = 0; i < Parameters.Count; i++)
            Parameters[i].Value.CopyTo(snapshot[i], 0);
    }

    /// <summary>Restores values saved by <see cref="SaveValues"/>.</summary>
    internal void RestoreValues(float[][] snapshot)
    {
        for (int i = 0; i < Parameters.Count; i++)
            snapshot[i].CopyTo(Parameters[i].Value, 0);
    }

    private static DenseLayer[] BuildTower(string task, int inputs, int[] hiddenWidths)
    {
        var layers = new List<DenseLayer>();
        int width = inputs;
        for (int l = 0; l < hiddenWidths.Length; l++)
        {
            layers.Add(new DenseLayer($"tower.{task}.{l}", width, hiddenWidths[l], Activation.Relu));
            width = hiddenWidths[l];
        }
        layers.Add(new DenseLayer($"tower.{task}.{hiddenWidths.Length}", width, 1, Activation.Identity));
        return layers.ToArray();
    }

    private void Initialize(Random random, double firstLayerFanIn)
    {
        foreach (var layer in Bottom.Concat(Towers.SelectMany(t => t)))
        {
            double fanIn = ReferenceEquals(layer, Bottom[0]) ? firstLayerFanIn : layer.Inputs;
            double deviation = layer.Activation == Activation.Relu
                ? Math.Sqrt(2.0 / fanIn)                            // He et al. 2015, for ReLU layers
                : Math.Sqrt(2.0 / (fanIn + layer.Outputs));         // Glorot & Bengio 2010, for linear outputs
            var weights = layer.Weight.Value;
            for (int i = 0; i < weights.Length; i++)
                weights[i] = (float)Normal.Sample(random, 0, deviation);
        }
    }

    private void ApplyDropout(Span<float> output, float[] mask, Random random)
    {
        float keep = 1f / (1f - Options.Dropout);
        var m = mask.AsSpan(0, output.Length);
        for (int i = 0; i < m.Length; i++)
            m[i] = random.NextSingle() < Options.Dropout ? 0f : keep;
        VectorOps.Multiply(output, m, output);
    }

    private static InputBatch Slice(InputBatch input, int start, int rows)
    {
        if (start == 0 && rows == input.Rows)
            return input;
        if (!input.IsSparse)
            return InputBatch.FromDense(input.Dense.Slice(start * input.Dimension, rows * input.Dimension), rows, input.Dimension);
        var sparse = input.Sparse;
        return InputBatch.FromSparse(new CsrRows(sparse.RowStarts.Slice(start, rows + 1), sparse.Indices, sparse.Values, sparse.Columns));
    }
}

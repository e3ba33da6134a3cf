using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;

namespace MlNetMtl.Networks;

/// <summary>
/// A network of stacked <see cref="ExtractionLevel"/>s (MMoE, OMoE, PLE) followed by one tower per task. Reports
/// how much each task's gate relies on each expert of the last level.
/// </summary>
internal abstract class MixtureOfExpertsNetwork : MultiTaskNetwork
{
    /// <inheritdoc/>
    public override bool HasGates => true;

    private readonly ExtractionLevel[] _levels;
    private readonly Mlp[] _towers;
    private readonly Parameter[] _parameters;

    private protected MixtureOfExpertsNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, NetworkOptions options, int[] towerWidths, DomainLayout? domains)
        : base(inputDimension, tasks, options, domains)
    {
        _levels = BuildLevels().ToArray();
        _towers = Tasks.Select(task => new Mlp($"tower.{task.Name}", _levels[^1].Width, [.. towerWidths, task.OutputWidth], linearOutput: true)).ToArray();
        _parameters = _levels.SelectMany(l => l.Parameters).Concat(_towers.SelectMany(t => t.Parameters)).ToArray();
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<Parameter> LayerParameters => _parameters;

    /// <summary>The experts of the last level, in the column order of <see cref="MeanGateWeights"/>.</summary>
    public IReadOnlyList<string> ExpertNames => _levels[^1].ExpertNames;

    /// <summary>The levels, first to last; each level's input representations are the previous level's gate outputs.</summary>
    private protected abstract IEnumerable<ExtractionLevel> BuildLevels();

    /// <summary>Which output of the last level task <paramref name="task"/>'s tower reads.</summary>
    private protected abstract int TowerInput(int task);

    /// <summary>
    /// Mean gate weight per task (rows) per expert of the last level (columns, <see cref="ExpertNames"/>) over
    /// <paramref name="input"/>: how much each task relies on each expert (0 for experts its gate does not mix).
    /// </summary>
    public double[][] MeanGateWeights(InputBatch input)
    {
        CheckInput(input);
        var last = _levels[^1];
        var sums = Tasks.Select(_ => new double[last.ExpertNames.Count]).ToArray();
        var workspace = (Workspace)CreateWorkspace(Math.Min(1024, Math.Max(1, input.Rows)));
        for (int start = 0; start < input.Rows; start += workspace.Capacity)
        {
            int rows = Math.Min(workspace.Capacity, input.Rows - start);
            Forward(Slice(input, start, rows), workspace, dropout: null);
            for (int t = 0; t < Tasks.Count; t++)
            {
                int gate = TowerInput(t);
                var experts = last.GateExperts(gate);
                var probabilities = workspace.Levels[^1].GateProbabilities[gate];
                for (int i = 0; i < rows * experts.Count; i++)
                    sums[t][experts[i % experts.Count]] += probabilities[i];
            }
        }
        int count = Math.Max(1, input.Rows);
        return sums.Select(row => row.Select(s => s / count).ToArray()).ToArray();
    }

    private protected override void Initialize(Random random, double firstLayerFanIn)
    {
        for (int l = 0; l < _levels.Length; l++)
            _levels[l].Initialize(random, Enumerable.Repeat(l == 0 ? firstLayerFanIn : _levels[l - 1].Width, Tasks.Count + 1).ToArray());
        foreach (var tower in _towers)
            tower.Initialize(random, tower.Inputs);
    }

    internal override Parameter? OutputBias(int task) => _towers[task].Layers[^1].Bias;

    private protected override IEnumerable<Parameter> LayerSharedParameters => _levels.SelectMany(l => l.Parameters);

    private protected override IEnumerable<Parameter> LayerInputWeights => _levels[0].ExpertInputWeights;

    internal override IEnumerable<Parameter> LastSharedParameters => _levels[^1].ExpertOutputWeights;

    internal override NetworkWorkspace CreateWorkspace(int capacity) => new Workspace(this, capacity);

    private protected override ExportedOutputs ExportLayers(Export.GraphWriter graph, string input, string? domains)
    {
        Func<int, string> inputs = _ => input;
        foreach (var level in _levels)
        {
            var outputs = level.Export(graph, inputs, domains);
            inputs = i => outputs[i];
        }
        return new(_towers.Select((tower, t) => tower.Export(graph, inputs(TowerInput(t)))).ToArray(), []);
    }

    private protected override void ForwardLayers(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        var state = (Workspace)workspace;
        for (int l = 0; l < _levels.Length; l++)
            _levels[l].Forward(LevelInput(input, state, l), state.Domains.AsSpan(0, Domains is null ? 0 : input.Rows), state.Levels[l], dropout, Options.Dropout);
        var outputs = LevelInput(input, state, _levels.Length);
        for (int t = 0; t < _towers.Length; t++)
            _towers[t].Forward(outputs[TowerInput(t)], state.Towers[t], dropout, Options.Dropout);
    }

    /// <summary>The inputs of level <paramref name="level"/>: the network input for the first, else the previous level's outputs.</summary>
    private ExtractionLevel.LevelInputs LevelInput(InputBatch input, Workspace state, int level) => level == 0
        ? ExtractionLevel.LevelInputs.Network(input)
        : ExtractionLevel.LevelInputs.Previous(state.Levels[level - 1].Outputs, input.Rows, _levels[level - 1].Width);

    private protected override void BackwardLayers(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows;
        var last = state.LevelOutputGradients[^1];
        foreach (var gradient in last)
            gradient.AsSpan(0, rows * _levels[^1].Width).Clear();
        var outputs = LevelInput(input, state, _levels.Length);
        for (int t = 0; t < _towers.Length; t++)
            _towers[t].Backward(outputs[TowerInput(t)], state.Towers[t], state.OutputGradients[t], last[TowerInput(t)], accumulateInputGradient: true, dropoutApplied);

        for (int l = _levels.Length - 1; l >= 0; l--)
        {
            float[][] inputGradients = l == 0 ? state.InputGradients : state.LevelOutputGradients[l - 1];
            foreach (var gradient in inputGradients)
                gradient.AsSpan().Clear();
            _levels[l].Backward(LevelInput(input, state, l), state.Domains.AsSpan(0, Domains is null ? 0 : rows), state.Levels[l], state.LevelOutputGradients[l], inputGradients, dropoutApplied);
        }
    }

    private sealed class Workspace : NetworkWorkspace
    {
        public Workspace(MixtureOfExpertsNetwork network, int capacity) : base(capacity, network)
        {
            bool dropout = network.Options.Dropout > 0;
            Levels = network._levels.Select(l => l.CreateState(capacity, dropout)).ToArray();
            LevelOutputGradients = network._levels.Select(l => Enumerable.Range(0, l.GateCount).Select(_ => new float[capacity * l.Width]).ToArray()).ToArray();
            Towers = network._towers.Select(t => t.CreateState(capacity, dropout)).ToArray();
            InputGradients = [InputGradient];
        }

        /// <summary>The first level's input gradient: dL/d(the network's input rows), an empty buffer when no encoder needs it.</summary>
        public float[][] InputGradients { get; }

        public ExtractionLevel.State[] Levels { get; }
        /// <summary>dL/d(gate output) of each level's gates.</summary>
        public float[][][] LevelOutputGradients { get; }
        public MlpState[] Towers { get; }

        public override ReadOnlySpan<float> TaskOutputs(int task, int rows) => Towers[task].Outputs[^1].AsSpan(0, rows * Widths[task]);
    }
}

using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;

namespace MlNetMtl.Networks.Architectures;

/// <summary>
/// Entire-space multi-task model (ESMM, Ma et al. SIGIR 2018) for a click → conversion chain of exactly two binary
/// tasks: task 0 is the click (CTR), task 1 the click-and-convert (CTCVR). A shared MLP feeds a CTR tower and a CVR
/// tower; task 1's output is logit(pCTR · pCVR), so both losses are taken over every impression and the CVR tower
/// never needs a conversion label on rows without a click. pCVR is given as an auxiliary output.
/// </summary>
/// <remarks>
/// Task 1's labels may be the click-and-convert label over all rows, or a conversion label present only on clicked
/// rows (missing elsewhere, with the task masking missing labels): rows without a click get the CTCVR label 0.
/// </remarks>
public sealed class EsmmOptions : BottomOptions
{
    internal const string SavedName = "ESMM";

    internal override string Architecture => SavedName;

    internal override IReadOnlyList<AuxiliaryOutput> AuxiliaryOutputs(IReadOnlyList<TaskDefinition> tasks)
    {
        ValidateTasks(tasks);
        return [new AuxiliaryOutput(1, "ConversionProbability")];
    }

    /// <summary>CTCVR label of a row without a click is 0, whatever its conversion label says (or lacks).</summary>
    internal override MultiTaskDataset PrepareData(MultiTaskDataset data)
    {
        ValidateTasks(data.Tasks);
        var clicks = data.Labels[0];
        var ctcvr = data.Labels[1].Select((label, row) => clicks[row] == 0f ? 0f : label).ToArray();
        return new MultiTaskDataset(data.Features, data.Tasks, [clicks, ctcvr], data.RowWeights, data.TaskWeights);
    }

    internal override MultiTaskNetwork Build(int inputDimension, IReadOnlyList<TaskDefinition> tasks, DomainLayout? domains)
    {
        ValidateTasks(tasks);
        return new EsmmNetwork(inputDimension, tasks, this, domains);
    }

    internal override void ValidateTasks(IReadOnlyList<TaskDefinition> tasks)
    {
        if (tasks.Count != 2 || tasks.Any(t => t.Kind != TaskKind.Binary))
            throw new ArgumentException($"ESMM needs exactly two binary tasks, click (CTR) then click-and-convert (CTCVR); got {string.Join(", ", tasks.Select(t => $"{t.Name} ({t.Kind})"))}.", nameof(tasks));
    }

    internal override NetworkOptions ReadSizes(BinaryReader reader, float dropout) =>
        new EsmmOptions { Dropout = dropout, BottomWidths = ReadInts(reader), TowerWidths = ReadInts(reader) };

    /// <summary>The search tries ESMM for a funnel of exactly two tasks (click, then conversion).</summary>
    internal override bool SearchedFor(int tasks, bool chain) => chain && tasks == 2;

    /// <summary>ESMM's CTCVR product relates the tasks itself: the search weights its losses fixed or by uncertainty only.</summary>
    internal override IReadOnlyList<string>? SearchedWeightings => ["fixed", "uncertainty"];

    internal override NetworkOptions SingleTaskCounterpart => SharedBottomOfTheSameSizes;
}

/// <summary>
/// ESMM (see <see cref="EsmmOptions"/>): outputs z₁ = CTR logit and logit(σ(z₁)·σ(z₂)) with z₂ the CVR logit;
/// the auxiliary output is pCVR = σ(z₂).
/// </summary>
internal sealed class EsmmNetwork : BottomNetwork
{
    private readonly Mlp _ctr;
    private readonly Mlp _cvr;
    private readonly Parameter[] _parameters;

    internal EsmmNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, EsmmOptions options, DomainLayout? domains) : base(inputDimension, tasks, options, domains)
    {
        _ctr = new Mlp("tower.ctr", Bottom.Outputs, [.. options.TowerWidths, 1], linearOutput: true);
        _cvr = new Mlp("tower.cvr", Bottom.Outputs, [.. options.TowerWidths, 1], linearOutput: true);
        _parameters = Bottom.Parameters.Concat(_ctr.Parameters).Concat(_cvr.Parameters).ToArray();
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<Parameter> LayerParameters => _parameters;

    private protected override void Initialize(Random random, double firstLayerFanIn)
    {
        Bottom.Initialize(random, firstLayerFanIn);
        _ctr.Initialize(random, _ctr.Inputs);
        _cvr.Initialize(random, _cvr.Inputs);
    }

    internal override Parameter? OutputBias(int task) => task == 0 ? _ctr.Layers[^1].Bias : null;

    internal override NetworkWorkspace CreateWorkspace(int capacity) => new Workspace(this, capacity);

    private protected override void ForwardLayers(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows;
        var shared = InputBatch.FromDense(Bottom.Forward(input, state.Bottom, dropout, Options.Dropout), rows, Bottom.Outputs);
        var ctr = _ctr.Forward(shared, state.Ctr, dropout, Options.Dropout);
        var cvr = _cvr.Forward(shared, state.Cvr, dropout, Options.Dropout);
        for (int r = 0; r < rows; r++)
        {
            // log p = log σ(z₁) + log σ(z₂); logit(p) = log p − log(1 − p), with 1 − p = σ(−z₁) + σ(z₁)σ(−z₂) exactly.
            double z1 = ctr[r], z2 = cvr[r];
            double logP = LogSigmoid(z1) + LogSigmoid(z2);
            double oneMinusP = Sigmoid(-z1) + Sigmoid(z1) * Sigmoid(-z2);
            state.Ctcvr[r] = (float)(logP - Math.Log(oneMinusP));
            state.ConversionProbability[r] = (float)Sigmoid(z2);
        }
    }

    private protected override void BackwardLayers(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        var state = (Workspace)workspace;
        int rows = input.Rows;
        var ctr = state.Ctr.Outputs[^1];
        var cvr = state.Cvr.Outputs[^1];
        for (int r = 0; r < rows; r++)
        {
            // out = logit(p₁p₂): ∂out/∂z₁ = (1 − p₁)/(1 − p) and ∂out/∂z₂ = (1 − p₂)/(1 − p), both in [0, 1].
            double z1 = ctr[r], z2 = cvr[r];
            double oneMinusP = Sigmoid(-z1) + Sigmoid(z1) * Sigmoid(-z2);
            double g = state.OutputGradients[1][r];
            state.CtrGradient[r] = (float)(state.OutputGradients[0][r] + g * Sigmoid(-z1) / oneMinusP);
            state.CvrGradient[r] = (float)(g * Sigmoid(-z2) / oneMinusP);
        }
        var shared = InputBatch.FromDense(state.Bottom.Outputs[^1].AsSpan(0, rows * Bottom.Outputs), rows, Bottom.Outputs);
        var sharedGradient = state.SharedGradient.AsSpan(0, rows * Bottom.Outputs);
        _ctr.Backward(shared, state.Ctr, state.CtrGradient, sharedGradient, accumulateInputGradient: false, dropoutApplied);
        _cvr.Backward(shared, state.Cvr, state.CvrGradient, sharedGradient, accumulateInputGradient: true, dropoutApplied);
        Bottom.Backward(input, state.Bottom, sharedGradient, workspace.InputGradient, false, dropoutApplied);
    }

    private protected override ExportedOutputs ExportLayers(Export.GraphWriter graph, string input, string? domains)
    {
        string shared = Bottom.Export(graph, input);
        string z1 = _ctr.Export(graph, shared), z2 = _cvr.Export(graph, shared);
        // As the forward pass: logit(σ(z₁)σ(z₂)) = log σ(z₁) + log σ(z₂) − log(σ(−z₁) + σ(z₁)σ(−z₂)), log σ(z) = −softplus(−z).
        string logP = graph.Neg(graph.Add(graph.Softplus(graph.Neg(z1)), graph.Softplus(graph.Neg(z2))));
        string oneMinusP = graph.Add(graph.Sigmoid(graph.Neg(z1)), graph.Mul(graph.Sigmoid(z1), graph.Sigmoid(graph.Neg(z2))));
        return new([z1, graph.Sub(logP, graph.Log(oneMinusP))], [graph.Sigmoid(z2)]);
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static double LogSigmoid(double z) => Math.Min(z, 0) - Math.Log(1 + Math.Exp(-Math.Abs(z)));

    private sealed class Workspace : NetworkWorkspace
    {
        public Workspace(EsmmNetwork network, int capacity) : base(capacity, network)
        {
            bool dropout = network.Options.Dropout > 0;
            Bottom = network.Bottom.CreateState(capacity, dropout);
            Ctr = network._ctr.CreateState(capacity, dropout);
            Cvr = network._cvr.CreateState(capacity, dropout);
            SharedGradient = new float[capacity * network.Bottom.Outputs];
            Ctcvr = new float[capacity];
            ConversionProbability = new float[capacity];
            CtrGradient = new float[capacity];
            CvrGradient = new float[capacity];
        }

        public MlpState Bottom { get; }
        public MlpState Ctr { get; }
        public MlpState Cvr { get; }
        public float[] SharedGradient { get; }

        public override ReadOnlySpan<float> RepresentationGradient(int rows) => SharedGradient.AsSpan(0, rows * (SharedGradient.Length / Capacity));
        /// <summary>logit(pCTR · pCVR) per row: task 1's output.</summary>
        public float[] Ctcvr { get; }
        public float[] ConversionProbability { get; }
        public float[] CtrGradient { get; }
        public float[] CvrGradient { get; }

        public override ReadOnlySpan<float> TaskOutputs(int task, int rows) =>
            task == 0 ? Ctr.Outputs[^1].AsSpan(0, rows) : Ctcvr.AsSpan(0, rows);

        public override ReadOnlySpan<float> AuxiliaryOutput(int index, int rows) => ConversionProbability.AsSpan(0, rows);
    }
}

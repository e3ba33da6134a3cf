using System.Collections.Concurrent;
using MlNetMtl.Data;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// A multi-task network: one output per task (a logit for binary tasks, the value for regression) from an
/// architecture chosen by its <see cref="NetworkOptions"/> (shared-bottom, MMoE/OMoE, …). The architecture knows
/// nothing of the loss weighting or the training loop.
/// </summary>
public abstract class MultiTaskNetwork
{
    private const int PredictionChunk = 1024;
    private readonly ConcurrentBag<NetworkWorkspace> _predictionWorkspaces = new();

    private protected MultiTaskNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, NetworkOptions options, DomainLayout? domains)
    {
        InputDimension = inputDimension;
        Domains = domains;
        Tasks = tasks.ToArray();
        Options = options;
        OutputWidth = Tasks.Sum(t => t.OutputWidth);
        AuxiliaryOutputs = options.AuxiliaryOutputs(Tasks);
        _outputOffsets = Tasks.Select((_, t) => Tasks.Take(t).Sum(u => u.OutputWidth)).ToArray();
    }

    private readonly int[] _outputOffsets;

    /// <summary>Builds a network with seeded initialisation (He for ReLU layers, Glorot for linear ones, zero biases).</summary>
    /// <param name="inputDimension">Width of an input row.</param>
    /// <param name="tasks">The tasks, one output each.</param>
    /// <param name="options">The architecture and its widths; shared-bottom defaults when null.</param>
    /// <param name="seed">Seed of the initialisation.</param>
    /// <param name="firstLayerFanIn">
    /// The fan-in that scales the initial weights of layers reading the input; default the input width. For sparse
    /// rows, pass the mean non-zeros per row: the number of terms each first-layer output actually sums.
    /// </param>
    /// <exception cref="ArgumentException">No tasks, duplicate task names, or an option out of range (it is named).</exception>
    /// <param name="fields">
    /// The fields of the input rows, which the embedding encoder (<see cref="NetworkOptions.Encoder"/>) gives one embedding each;
    /// null: unknown (the Auto encoder reads the slots directly; Embedding gives each slot a field). Not used by the one-hot encoder.
    /// </param>
    /// <param name="domains">
    /// Where each row's domain is in the input rows, for scenario-aware architectures (STAR) and domain-conditioned gates
    /// (MMoE, OMoE, PLE); null: no domains (an architecture that needs them says so).
    /// </param>
    public static MultiTaskNetwork Create(int inputDimension, IReadOnlyList<TaskDefinition> tasks, NetworkOptions? options = null,
        int seed = 0, double? firstLayerFanIn = null, FieldLayout? fields = null, DomainLayout? domains = null)
    {
        var network = CreateUninitialized(inputDimension, tasks, options, fields, domains);
        var random = new Random(seed);
        if (network.Encoder is { } encoder)
        {
            encoder.Initialize(random);
            network.Initialize(random, encoder.Width);
        }
        else
            network.Initialize(random, Math.Max(1.0, firstLayerFanIn ?? inputDimension));
        return network;
    }

    /// <summary>Builds the layers with all weights zero (for a loader that fills them in).</summary>
    internal static MultiTaskNetwork CreateUninitialized(int inputDimension, IReadOnlyList<TaskDefinition> tasks, NetworkOptions? options, FieldLayout? fields,
        DomainLayout? domains = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputDimension);
        TaskDefinition.ValidateList(tasks, nameof(tasks));
        options ??= new SharedBottomOptions();
        options.Validate();
        if (fields is not null && fields.Dimension != inputDimension)
            throw new ArgumentException($"The field layout covers {fields.Dimension} slots; the input rows have {inputDimension}.", nameof(fields));
        if (domains is not null && domains.Start + domains.Count > inputDimension)
            throw new ArgumentException($"Domain column '{domains.Column}' occupies slots {domains.Start}–{domains.Start + domains.Count - 1}; the input rows have {inputDimension}.", nameof(domains));
        if (domains is null && options.NeedsDomains)
            throw new ArgumentException($"{options.Name} is a scenario-aware architecture: it needs a domain column (DomainColumn, or --domain-col on the command line).", nameof(domains));
        var encoder = InputEncoder.Create(options.Encoder, inputDimension, fields);
        if (encoder is null)
            return options.Build(inputDimension, tasks, domains);
        var network = options.Build(encoder.Width, tasks, domains);
        network.Attach(encoder);
        return network;
    }

    /// <summary>Puts <paramref name="encoder"/> in front of the layers, which were built for its width.</summary>
    private void Attach(InputEncoder encoder)
    {
        Encoder = encoder;
        InputDimension = encoder.InputDimension;
        _parameters = [.. encoder.Parameters, .. LayerParameters];
    }

    /// <summary>
    /// A network of the same architecture whose parameters read and write this network's values but keep their own
    /// gradients: a data-parallel worker's view of the model.
    /// </summary>
    internal MultiTaskNetwork CreateReplica()
    {
        var replica = Options.Build(LayerInputDimension, Tasks, Domains);
        if (Encoder is not null)
            replica.Attach(Encoder.CreateSibling());
        for (int i = 0; i < Parameters.Count; i++)
            replica.Parameters[i].ShareValuesWith(Parameters[i]);
        return replica;
    }

    /// <summary>Width of an input row.</summary>
    public int InputDimension { get; private set; }
    /// <summary>Width of the rows the architecture's first layers read: the encoder's output, or the input itself.</summary>
    private int LayerInputDimension => Encoder?.Width ?? InputDimension;
    /// <summary>The tasks, in output order.</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; }
    /// <summary>The architecture and its widths.</summary>
    public NetworkOptions Options { get; }
    /// <summary>The fields of the input rows the embedding encoder reads; null with the one-hot encoder.</summary>
    public FieldLayout? Fields => Encoder?.Fields;
    /// <summary>Where each row's domain is in the input rows; null when the network was built without domains.</summary>
    public DomainLayout? Domains { get; }
    /// <summary>The input encoder in front of the layers; null when the first layer reads the features (one-hot).</summary>
    internal InputEncoder? Encoder { get; private set; }

    private IReadOnlyList<Parameter>? _parameters;
    /// <summary>Every trainable parameter, in a fixed order (the encoder's, then weight before bias of each layer).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters ??= LayerParameters;
    /// <summary>The architecture's parameters, in a fixed order.</summary>
    private protected abstract IReadOnlyList<Parameter> LayerParameters { get; }

    /// <summary>Per-row outputs beyond the task outputs (ESMM's pCVR), in order; empty for most architectures.</summary>
    public IReadOnlyList<AuxiliaryOutput> AuxiliaryOutputs { get; }

    /// <summary>Outputs per row: one per binary or regression task, the class count per multiclass task.</summary>
    public int OutputWidth { get; }

    /// <summary>Where task <paramref name="task"/>'s outputs start within a row of <see cref="Predict"/>'s output.</summary>
    public int OutputOffset(int task) => _outputOffsets[task];

    /// <summary>Whether the network mixes experts with gates (MMoE, OMoE, PLE), whose utilisation <c>ml.MultiTask().GateUtilisation</c> reports.</summary>
    public virtual bool HasGates => false;

    /// <summary>
    /// Scores rows: row r of <paramref name="scores"/> (<see cref="OutputWidth"/> values from r × OutputWidth) holds each
    /// task's outputs in task order — the logit (binary), the value (regression) or k class logits (multiclass).
    /// With only binary and regression tasks that is scores[row × tasks + task]. Thread-safe; dropout is off.
    /// </summary>
    public void Predict(InputBatch input, Span<float> scores) => PredictInto(input, scores, includeAuxiliary: false);

    /// <summary>
    /// Like <see cref="Predict"/>, followed on each row by the <see cref="AuxiliaryOutputs"/>: <paramref name="values"/>
    /// holds rows × (<see cref="OutputWidth"/> + auxiliary outputs).
    /// </summary>
    public void PredictWithAuxiliary(InputBatch input, Span<float> values) => PredictInto(input, values, includeAuxiliary: true);

    private void PredictInto(InputBatch input, Span<float> values, bool includeAuxiliary)
    {
        CheckInput(input);
        int outputs = OutputWidth, auxiliary = includeAuxiliary ? AuxiliaryOutputs.Count : 0, width = outputs + auxiliary;
        if (values.Length < (long)input.Rows * width)
            throw new ArgumentException($"The output holds {values.Length} values; {input.Rows} rows × {width} outputs need {input.Rows * width}.", nameof(values));
        var workspace = _predictionWorkspaces.TryTake(out var pooled) ? pooled : CreateWorkspace(PredictionChunk);
        try
        {
            for (int start = 0; start < input.Rows; start += PredictionChunk)
            {
                int rows = Math.Min(PredictionChunk, input.Rows - start);
                Forward(Slice(input, start, rows), workspace, dropout: null);
                int offset = 0;
                for (int t = 0; t < Tasks.Count; t++)
                {
                    int taskWidth = workspace.Widths[t];
                    var taskOutputs = workspace.TaskOutputs(t, rows);
                    for (int r = 0; r < rows; r++)
                        taskOutputs.Slice(r * taskWidth, taskWidth).CopyTo(values.Slice((start + r) * width + offset, taskWidth));
                    offset += taskWidth;
                }
                for (int a = 0; a < auxiliary; a++)
                {
                    var auxiliaryOutputs = workspace.AuxiliaryOutput(a, rows);
                    for (int r = 0; r < rows; r++)
                        values[(start + r) * width + outputs + a] = auxiliaryOutputs[r];
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

    /// <summary>Buffers for forward and backward passes over up to <paramref name="capacity"/> rows.</summary>
    internal abstract NetworkWorkspace CreateWorkspace(int capacity);

    /// <summary>Forward pass; dropout masks are drawn from <paramref name="dropout"/> when it is given.</summary>
    internal void Forward(InputBatch input, NetworkWorkspace workspace, Random? dropout)
    {
        Domains?.Read(input, workspace.Domains.AsSpan(0, input.Rows));
        if (Encoder is null)
            ForwardLayers(input, workspace, dropout);
        else
            ForwardLayers(InputBatch.FromDense(Encoder.Forward(input, workspace.Encoder!), input.Rows, Encoder.Width), workspace, dropout);
    }

    /// <summary>
    /// Backward pass after <see cref="Forward"/> (same input and workspace), from dL/d(task output) in
    /// <see cref="NetworkWorkspace.OutputGradients"/>; leaves every parameter's gradient.
    /// </summary>
    internal void Backward(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied)
    {
        if (Encoder is null)
        {
            BackwardLayers(input, workspace, dropoutApplied);
            return;
        }
        int rows = input.Rows;
        var encoded = InputBatch.FromDense(workspace.Encoder!.Output.AsSpan(0, rows * Encoder.Width), rows, Encoder.Width);
        BackwardLayers(encoded, workspace, dropoutApplied);
        Encoder.Backward(input, workspace.Encoder, workspace.InputGradient.AsSpan(0, rows * Encoder.Width));
    }

    /// <summary>
    /// Writes the inference pass on <paramref name="features"/> ([rows, <see cref="InputDimension"/>] dense): each task's
    /// outputs as <see cref="Predict"/> gives them (logits, values, class logits) and each auxiliary output.
    /// </summary>
    internal ExportedOutputs Export(Export.GraphWriter graph, string features)
    {
        string? domains = Domains is null ? null : graph.NonZero(graph.Columns(features, Domains.Start, Domains.Start + Domains.Count));
        return ExportLayers(graph, Encoder is null ? features : Encoder.Export(graph, features), domains);
    }

    /// <summary>
    /// The architecture's part of <see cref="Export"/>, on the rows its first layers read (<paramref name="domains"/>: each
    /// row's domain indicators, [rows, domains], all zero for a row of no domain; null without domains).
    /// </summary>
    private protected abstract ExportedOutputs ExportLayers(Export.GraphWriter graph, string input, string? domains);

    /// <summary>The architecture's forward pass over the rows its first layers read.</summary>
    private protected abstract void ForwardLayers(InputBatch input, NetworkWorkspace workspace, Random? dropout);

    /// <summary>
    /// The architecture's backward pass; with an encoder in front, it also leaves dL/d(its input) in
    /// <see cref="NetworkWorkspace.InputGradient"/> (empty otherwise).
    /// </summary>
    private protected abstract void BackwardLayers(InputBatch input, NetworkWorkspace workspace, bool dropoutApplied);

    /// <summary>
    /// An architecture's own loss term on the task outputs of the last forward pass (AITM's calibrator): adds its
    /// gradient to <see cref="NetworkWorkspace.OutputGradients"/> and returns its value; 0 for most architectures.
    /// The term is a mean over <paramref name="batchRows"/> rows (more than <paramref name="rows"/> when this pass
    /// is one shard of a mini-batch).
    /// </summary>
    internal virtual double AddOutputRegularization(NetworkWorkspace workspace, int rows, int batchRows) => 0;

    /// <summary>The parameters every task's loss reaches (encoder, bottom, experts and gates); towers and heads are task-specific.</summary>
    internal IEnumerable<Parameter> SharedParameters => Encoder is null ? LayerSharedParameters : Encoder.Parameters.Concat(LayerSharedParameters);

    /// <summary>The architecture's shared parameters (bottom, experts and gates).</summary>
    private protected abstract IEnumerable<Parameter> LayerSharedParameters { get; }

    /// <summary>The weights whose rows belong to the input slots: the embedding table, or the first layer's of the bottom (each expert's on the first level).</summary>
    internal IEnumerable<Parameter> InputLayerWeights => Encoder?.InputWeights ?? LayerInputWeights;

    /// <summary>The weights of the architecture's shared layers that read its input rows.</summary>
    private protected abstract IEnumerable<Parameter> LayerInputWeights { get; }

    /// <summary>The last shared layer's weights, where GradNorm measures the tasks' gradient norms.</summary>
    internal abstract IEnumerable<Parameter> LastSharedParameters { get; }

    /// <summary>
    /// The bias added last to task <paramref name="task"/>'s output (so shifting it shifts the output by the same
    /// amount), or null where the output is not such a sum (ESMM's CTCVR).
    /// </summary>
    internal abstract Parameter? OutputBias(int task);

    /// <summary>Initialises every weight from <paramref name="random"/>, in a fixed order.</summary>
    private protected abstract void Initialize(Random random, double firstLayerFanIn);

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

    /// <summary>Rows [<paramref name="start"/>, start + <paramref name="rows"/>) of a batch, without copying.</summary>
    internal static InputBatch Slice(InputBatch input, int start, int rows)
    {
        if (start == 0 && rows == input.Rows)
            return input;
        if (!input.IsSparse)
            return InputBatch.FromDense(input.Dense.Slice(start * input.Dimension, rows * input.Dimension), rows, input.Dimension);
        var sparse = input.Sparse;
        return InputBatch.FromSparse(new CsrRows(sparse.RowStarts.Slice(start, rows + 1), sparse.Indices, sparse.Values, sparse.Columns));
    }
}

/// <summary>The buffers of one forward/backward pass; each architecture adds its own activations.</summary>
internal abstract class NetworkWorkspace(int capacity, MultiTaskNetwork network)
{
    public int Capacity { get; } = capacity;
    /// <summary>Outputs per row of each task (1, or the class count of a multiclass task).</summary>
    public int[] Widths { get; } = network.Tasks.Select(t => t.OutputWidth).ToArray();
    /// <summary>dL/d(task output) per task (rows × width), set by the loss before the backward pass.</summary>
    public float[][] OutputGradients { get; } = network.Tasks.Select(t => new float[capacity * t.OutputWidth]).ToArray();
    /// <summary>The encoder's buffers; null without an encoder.</summary>
    public EncoderState? Encoder { get; } = network.Encoder?.CreateState(capacity);
    /// <summary>Each row's domain (or <see cref="DomainLayout.Fallback"/>), read from the input rows by the forward pass; empty without domains.</summary>
    public int[] Domains { get; } = network.Domains is null ? [] : new int[capacity];
    /// <summary>dL/d(the architecture's input rows), which the encoder's backward pass reads; empty without an encoder.</summary>
    public float[] InputGradient { get; } = network.Encoder is { } encoder ? new float[capacity * encoder.Width] : [];

    /// <summary>Task <paramref name="task"/>'s outputs (rows × width: logits or values) of the last forward pass.</summary>
    public abstract ReadOnlySpan<float> TaskOutputs(int task, int rows);

    /// <summary>
    /// dL/d(shared representation) after the last backward pass — the bottom's output that every tower reads — or
    /// empty where the architecture has no single shared representation (mixtures of experts).
    /// </summary>
    public virtual ReadOnlySpan<float> RepresentationGradient(int rows) => default;

    /// <summary>Auxiliary output <paramref name="index"/> of the last forward pass (architectures that have any override it).</summary>
    public virtual ReadOnlySpan<float> AuxiliaryOutput(int index, int rows) =>
        throw new InvalidOperationException($"This architecture has no auxiliary output {index}.");
}

/// <summary>The tensors an exported inference pass ends in: each task's outputs ([rows, width]) and each auxiliary output ([rows, 1]).</summary>
internal sealed record ExportedOutputs(IReadOnlyList<string> Tasks, IReadOnlyList<string> Auxiliary);

/// <summary>An output an architecture gives per row besides the task outputs.</summary>
/// <param name="Task">The task it belongs to (its column is named after it).</param>
/// <param name="Name">The output's name, e.g. <c>ConversionProbability</c>.</param>
public sealed record AuxiliaryOutput(int Task, string Name);

namespace MlNetMtl.Networks;

/// <summary>
/// A trainable weight matrix or bias vector with its gradient. The gradient is overwritten by each backward
/// pass, except for a first layer fed sparse rows: there only the touched rows are written
/// (<see cref="TouchedRows"/>), and the optimizer updates and clears just those.
/// </summary>
public sealed class Parameter
{
    internal Parameter(string name, int rows, int columns, bool decays, float? ownDecay = null)
    {
        OwnDecay = ownDecay;
        Name = name;
        Rows = rows;
        Columns = columns;
        Decays = decays;
        Value = new float[checked(rows * columns)];
        Gradient = new float[Value.Length];
    }

    /// <summary>A path-like name, e.g. <c>bottom.0.weight</c> or <c>tower.ctr.1.bias</c>.</summary>
    public string Name { get; }
    /// <summary>Rows (input width for a weight matrix, 1 for a bias).</summary>
    public int Rows { get; }
    /// <summary>Columns (output width).</summary>
    public int Columns { get; }
    /// <summary>The values, row-major; read them, do not write them.</summary>
    public ReadOnlySpan<float> Values => Value;

    /// <summary>Whether L2 weight decay applies (weights: yes; biases: no).</summary>
    internal bool Decays { get; }
    /// <summary>An L2 rate of the parameter's own (the embedding table's), used instead of the training's weight decay; null for most.</summary>
    internal float? OwnDecay { get; }
    /// <summary>The step size of row-wise Adagrad when this parameter (the embedding table) is updated by it instead of the training's optimizer; null for most.</summary>
    internal float? RowWiseAdagradRate { get; init; }
    /// <summary>The L2 rate the optimizer applies: <see cref="OwnDecay"/>, else <paramref name="weightDecay"/> when the parameter <see cref="Decays"/>.</summary>
    internal float DecayRate(float weightDecay) => OwnDecay ?? (Decays ? weightDecay : 0f);
    internal float[] Value { get; private set; }
    internal float[] Gradient { get; }

    /// <summary>Reads and writes <paramref name="source"/>'s values from now on (a training replica), keeping its own gradient.</summary>
    internal void ShareValuesWith(Parameter source)
    {
        if (source.Rows != Rows || source.Columns != Columns)
            throw new ArgumentException($"'{source.Name}' is {source.Rows}×{source.Columns}; '{Name}' is {Rows}×{Columns}.", nameof(source));
        Value = source.Value;
    }
    /// <summary>While set, backward passes add this parameter's per-unit squared gradient norms into it (DP-SGD's ghost clipping); null otherwise.</summary>
    internal ExampleNorms? NormSink { get; set; }
    /// <summary>Whether a backward pass must write this parameter's gradient: false during a norms-only pass (<see cref="ExampleNorms.NormsOnly"/>).</summary>
    internal bool NeedsGradient => NormSink is not { NormsOnly: true };
    /// <summary>Set while the gradient is row-sparse (a first layer over sparse rows); null when it is dense.</summary>
    internal TouchedRows? TouchedRows { get; set; }
}

/// <summary>
/// The set of rows of a gradient written since the last optimizer step, in first-touch order, and where each row's gradient
/// is: in the parameter's own gradient, or — in a parallel step — in the gradient of the replica that touched it first
/// (<see cref="SourceAt"/>), which the optimizer then reads rather than a copy.
/// </summary>
internal sealed class TouchedRows(int rows)
{
    /// <summary>Per row: 0 when not marked, else 1 + who marked it first (0: the parameter's own backward pass; w: replica w).</summary>
    private readonly ushort[] _marked = new ushort[rows];
    private int[] _rows = new int[64];
    private float[]?[] _sources = new float[64][];

    public int Count { get; private set; }
    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, Count);

    /// <summary>Whether <paramref name="row"/> is marked.</summary>
    public bool Contains(int row) => _marked[row] != 0;

    /// <summary>Marks a row, its gradient the parameter's own; true when it was not marked yet.</summary>
    public bool Mark(int row)
    {
        if (_marked[row] != 0)
            return false;
        _marked[row] = 1;
        Append(row);
        return true;
    }

    /// <summary>Marks a row whose gradient is <paramref name="gradient"/>, replica <paramref name="replica"/>'s (1 or more); true when it was not marked yet.</summary>
    public bool Mark(int row, int replica, float[] gradient)
    {
        if (_marked[row] != 0)
            return false;
        _marked[row] = checked((ushort)(replica + 1));
        Append(row);
        _sources[Count - 1] = gradient;
        return true;
    }

    /// <summary>Who marked a marked row first: 0 for the parameter's own pass, else the replica.</summary>
    public int FirstMarkedBy(int row) => _marked[row] - 1;

    /// <summary>The gradient array that holds the row at <paramref name="position"/>: a replica's, or null for the parameter's own.</summary>
    public float[]? SourceAt(int position) => _sources[position];

    /// <summary>Says the row at <paramref name="position"/> is in the parameter's own gradient from now on (it was copied there).</summary>
    public void MadeOwn(int position) => _sources[position] = null;

    public void Clear()
    {
        foreach (int row in Rows)
            _marked[row] = 0;
        Array.Clear(_sources, 0, Count);
        Count = 0;
    }

    private void Append(int row)
    {
        if (Count == _rows.Length)
        {
            Array.Resize(ref _rows, _rows.Length * 2);
            Array.Resize(ref _sources, _rows.Length);
        }
        _rows[Count++] = row;
    }
}

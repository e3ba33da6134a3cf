using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// Per-unit squared gradient norms ‖∇θ L_u‖² summed over parameters during one backward pass, without forming any unit's
/// gradient ("ghost norms", for DP-SGD's clipping). A unit is a batch row, or with user-level privacy all rows of one user.
/// The parameters that report into it carry it as <see cref="Parameter.NormSink"/>. For a weight applied as X·W over a
/// layer's rows, ∇W_u = Σ_{i∈u} x_i ⊗ δ_i, so ‖∇W_u‖² = Σ_{i,j∈u} ⟨x_i, x_j⟩⟨δ_i, δ_j⟩ — ‖x_i‖²·‖δ_i‖² when the unit has one
/// row. A layer may run on k·rows rows (AITM's attention reads two rows per example): layer row r belongs to batch row r mod rows.
/// </summary>
internal sealed class ExampleNorms
{
    private int[] _memberStarts = [0], _next = [];
    private int[] _members = [];
    private bool _singletons = true;
    private int[] _layerRows = new int[64];
    private float[] _sum = [];

    /// <summary>‖∇L_u‖² so far, by unit.</summary>
    public double[] Squared { get; private set; } = [];
    /// <summary>Batch rows.</summary>
    public int Rows { get; private set; }
    /// <summary>Units among the batch rows.</summary>
    public int Units { get; private set; }

    /// <summary>Starts a backward pass over <paramref name="rows"/> rows; unitOfRow[r] ∈ [0, units) (empty: every row its own unit).</summary>
    public void Begin(ReadOnlySpan<int> unitOfRow, int rows, int units)
    {
        Rows = rows;
        Units = unitOfRow.IsEmpty ? rows : units;
        if (Squared.Length < Units)
            Squared = new double[Units];
        Array.Clear(Squared, 0, Units);
        _singletons = true;
        for (int r = 0; r < unitOfRow.Length && _singletons; r++)
            _singletons = unitOfRow[r] == r;
        if (_singletons)
            return;
        // Members of each unit, CSR-style, in row order.
        if (_memberStarts.Length < units + 1)
            (_memberStarts, _next) = (new int[units + 1], new int[units]);
        if (_members.Length < rows)
            _members = new int[rows];
        Array.Clear(_memberStarts, 0, units + 1);
        foreach (int unit in unitOfRow)
            _memberStarts[unit + 1]++;
        for (int u = 0; u < units; u++)
            _memberStarts[u + 1] += _memberStarts[u];
        _memberStarts.AsSpan(0, units).CopyTo(_next);
        for (int r = 0; r < rows; r++)
            _members[_next[unitOfRow[r]]++] = r;
    }

    /// <summary>The batch rows of unit <paramref name="unit"/>, in order.</summary>
    public ReadOnlySpan<int> Members(int unit) => _singletons ? default : _members.AsSpan(_memberStarts[unit], _memberStarts[unit + 1] - _memberStarts[unit]);

    /// <summary>
    /// When true, the layers that report into this sink skip their own weight and bias gradients (the norms need only
    /// activations and deltas): a norms-only pass costs the deltas' back-propagation alone. Default false.
    /// </summary>
    public bool NormsOnly { get; set; }

    /// <summary>Whether every unit is one row.</summary>
    public bool Singletons => _singletons;

    /// <summary>Adds ‖Σ_{i∈u} x_i ⊗ δ_i‖² for dW = Xᵀ·Δ over <paramref name="layerRows"/> rows of widths <paramref name="inputs"/> and <paramref name="outputs"/>.</summary>
    public void AddOuterProducts(ReadOnlySpan<float> input, int inputs, ReadOnlySpan<float> delta, int outputs, int layerRows)
    {
        int copies = Copies(layerRows);
        if (_singletons && copies == 1)
        {
            for (int r = 0; r < layerRows; r++)
            {
                var x = input.Slice(r * inputs, inputs);
                var d = delta.Slice(r * outputs, outputs);
                Squared[r] += (double)VectorOps.Dot(x, x) * VectorOps.Dot(d, d);
            }
            return;
        }
        for (int u = 0; u < Units; u++)
        {
            var rows = LayerRows(u, copies);
            double sum = 0;
            for (int a = 0; a < rows.Length; a++)
            {
                var xa = input.Slice(rows[a] * inputs, inputs);
                var da = delta.Slice(rows[a] * outputs, outputs);
                sum += (double)VectorOps.Dot(xa, xa) * VectorOps.Dot(da, da);
                for (int b = a + 1; b < rows.Length; b++)
                    sum += 2.0 * VectorOps.Dot(xa, input.Slice(rows[b] * inputs, inputs)) * VectorOps.Dot(da, delta.Slice(rows[b] * outputs, outputs));
            }
            Squared[u] += sum;
        }
    }

    /// <summary>As <see cref="AddOuterProducts(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int)"/> for sparse input rows (distinct indices per row).</summary>
    public void AddOuterProducts(CsrRows input, ReadOnlySpan<float> delta, int outputs)
    {
        Copies(input.Rows);
        for (int u = 0; u < Units; u++)
        {
            var rows = LayerRows(u, 1);
            double sum = 0;
            for (int a = 0; a < rows.Length; a++)
            {
                var da = delta.Slice(rows[a] * outputs, outputs);
                sum += SparseDot(input, rows[a], rows[a]) * VectorOps.Dot(da, da);
                for (int b = a + 1; b < rows.Length; b++)
                    sum += 2.0 * SparseDot(input, rows[a], rows[b]) * VectorOps.Dot(da, delta.Slice(rows[b] * outputs, outputs));
            }
            Squared[u] += sum;
        }
    }

    /// <summary>Adds ‖Σ_{i∈u} δ_i‖² for a bias whose gradient is the column sums of Δ over <paramref name="layerRows"/> rows.</summary>
    public void AddColumnSums(ReadOnlySpan<float> delta, int outputs, int layerRows)
    {
        int copies = Copies(layerRows);
        if (_singletons && copies == 1)
        {
            for (int r = 0; r < layerRows; r++)
            {
                var d = delta.Slice(r * outputs, outputs);
                Squared[r] += VectorOps.Dot(d, d);
            }
            return;
        }
        if (_sum.Length < outputs)
            _sum = new float[outputs];
        var sum = _sum.AsSpan(0, outputs);
        for (int u = 0; u < Units; u++)
        {
            sum.Clear();
            foreach (int row in LayerRows(u, copies))
                VectorOps.AddScaled(1f, delta.Slice(row * outputs, outputs), sum);
            Squared[u] += VectorOps.Dot(sum, sum);
        }
    }

    private int Copies(int layerRows)
    {
        if (Rows == 0 || layerRows % Rows != 0)
            throw new InvalidOperationException($"A layer ran on {layerRows} rows of a {Rows}-row batch; per-example norms need a whole number of rows per example.");
        return layerRows / Rows;
    }

    /// <summary>The layer rows of unit <paramref name="unit"/>: its batch rows and, for a layer on <paramref name="copies"/>·rows rows, their copies.</summary>
    private ReadOnlySpan<int> LayerRows(int unit, int copies)
    {
        int size = _singletons ? 1 : _memberStarts[unit + 1] - _memberStarts[unit];
        int count = size * copies;
        if (_layerRows.Length < count)
            _layerRows = new int[Math.Max(count, 2 * _layerRows.Length)];
        for (int c = 0, k = 0; c < copies; c++)
            for (int m = 0; m < size; m++)
                _layerRows[k++] = c * Rows + (_singletons ? unit : _members[_memberStarts[unit] + m]);
        return _layerRows.AsSpan(0, count);
    }

    /// <summary>⟨x_i, x_j⟩ of two sparse rows (a merge of their indices; rows hold distinct indices).</summary>
    private static double SparseDot(CsrRows input, int i, int j)
    {
        int a = input.RowStarts[i], aEnd = input.RowStarts[i + 1];
        int b = input.RowStarts[j], bEnd = input.RowStarts[j + 1];
        double sum = 0;
        if (i == j)
        {
            for (int p = a; p < aEnd; p++)
                sum += (double)input.Values[p] * input.Values[p];
            return sum;
        }
        for (int p = a; p < aEnd; p++)
            for (int q = b; q < bEnd; q++)
                if (input.Indices[p] == input.Indices[q])
                    sum += (double)input.Values[p] * input.Values[q];
        return sum;
    }
}

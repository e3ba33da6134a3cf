using MlNetMtl.Numerics;

namespace MlNetMtl.Networks.Encoders;

/// <summary>
/// DCN-v2 cross layers (Wang et al. 2021) over the concatenated field embeddings x₀:
/// x_{l+1} = x₀ ⊙ (x_l·W_l + b_l) + x_l, so layer l adds every feature crossing of degree l + 2, shared by the tasks.
/// W_l is full (width × width) or, with a rank r, the low-rank product V_l·U_l (width × r, then r × width; each factor a
/// linear layer, V's bias folded into b's role), which DCN-v2 finds about as good at a fraction of the weights.
/// </summary>
internal sealed class CrossNetwork
{
    private readonly DenseLayer[] _layers;
    private readonly DenseLayer[]? _down;
    private readonly int _rank;

    /// <param name="width">The width of x₀.</param>
    /// <param name="layers">The number of cross layers.</param>
    /// <param name="rank">The rank of each W_l; 0 (or ≥ width) for full rank.</param>
    public CrossNetwork(int width, int layers, int rank)
    {
        Width = width;
        _rank = rank is > 0 && rank < width ? rank : 0;
        if (_rank == 0)
        {
            _layers = Enumerable.Range(0, layers).Select(l => new DenseLayer($"cross.{l}", width, width, Activation.Identity)).ToArray();
            return;
        }
        _down = Enumerable.Range(0, layers).Select(l => new DenseLayer($"cross.{l}.down", width, _rank, Activation.Identity)).ToArray();
        _layers = Enumerable.Range(0, layers).Select(l => new DenseLayer($"cross.{l}.up", _rank, width, Activation.Identity)).ToArray();
    }

    public int Width { get; }
    public IEnumerable<Parameter> Parameters => (_down ?? []).Concat(_layers).SelectMany(l => new[] { l.Weight, l.Bias });

    /// <summary>
    /// Full rank: W ~ N(0, 1/width) (Glorot for a square matrix). Low rank: V ~ N(0, 1/width), U ~ N(0, 1/r), so x·V·U has the
    /// variance x·W would. Biases 0.
    /// </summary>
    public void Initialize(Random random)
    {
        for (int l = 0; l < _layers.Length; l++)
        {
            if (_down is not null)
                RandomFill.Normal(_down[l].Weight.Value, Math.Sqrt(1.0 / Width), random);
            RandomFill.Normal(_layers[l].Weight.Value, Math.Sqrt(1.0 / _layers[l].Inputs), random);
        }
    }

    public State CreateState(int capacity) => new(capacity, Width, _layers.Length, _rank);

    /// <summary>Writes the inference pass x_{l+1} = x₀ ⊙ (W_l·x_l + b_l) + x_l (W_l = U_l·V_l when low-rank).</summary>
    public string Export(Export.GraphWriter graph, string x0)
    {
        string x = x0;
        for (int l = 0; l < _layers.Length; l++)
        {
            string z = _layers[l].Export(graph, _down is null ? x : _down[l].Export(graph, x));
            x = graph.Add(graph.Mul(x0, z), x);
        }
        return x;
    }

    /// <summary>z = x·W + b, through the low-rank factors when there are.</summary>
    private void Linear(int l, ReadOnlySpan<float> x, int rows, State state, Span<float> z)
    {
        if (_down is null)
        {
            _layers[l].Forward(x, rows, z);
            return;
        }
        var h = state.H[l].AsSpan(0, rows * _rank);
        _down[l].Forward(x, rows, h);
        _layers[l].Forward(h, rows, z);
    }

    /// <summary>From dz (consumed), the weights' gradients and dL/dx into <paramref name="inputGradient"/>.</summary>
    private void LinearBackward(int l, ReadOnlySpan<float> x, ReadOnlySpan<float> z, Span<float> dz, int rows, State state, Span<float> inputGradient)
    {
        if (_down is null)
        {
            _layers[l].Backward(x, z, dz, inputGradient, rows);
            return;
        }
        var h = state.H[l].AsSpan(0, rows * _rank);
        var dh = state.HGradient.AsSpan(0, rows * _rank);
        _layers[l].Backward(h, z, dz, dh, rows);
        _down[l].Backward(x, h, dh, inputGradient, rows);
    }

    /// <summary>x_L into <paramref name="output"/> (rows × Width) from x₀ in <paramref name="input"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, State state, Span<float> output)
    {
        int length = rows * Width;
        var x0 = input[..length];
        x0.CopyTo(state.X[0]);
        for (int l = 0; l < _layers.Length; l++)
        {
            var z = state.Z[l].AsSpan(0, length);
            Linear(l, state.X[l].AsSpan(0, length), rows, state, z);
            var next = l == _layers.Length - 1 ? output[..length] : state.X[l + 1].AsSpan(0, length);
            VectorOps.Multiply(x0, z, next);
            VectorOps.AddScaled(1f, state.X[l].AsSpan(0, length), next);
        }
        if (_layers.Length == 0)
            x0.CopyTo(output);
    }

    /// <summary>
    /// From dL/dx_L in <paramref name="outputGradient"/> (overwritten), leaves dW, db and writes dL/dx₀ into <paramref name="inputGradient"/>.
    /// With g = dL/dx_{l+1}: dz = g ⊙ x₀, dW = x_lᵀ·dz, db = Σ dz, dL/dx_l = g + dz·Wᵀ, and x₀ collects g ⊙ z_l from every layer.
    /// </summary>
    public void Backward(Span<float> outputGradient, int rows, State state, Span<float> inputGradient)
    {
        int length = rows * Width;
        var x0 = state.X[0].AsSpan(0, length);
        var g = outputGradient[..length];
        var fromX0 = inputGradient[..length];
        fromX0.Clear();
        var dz = state.ZGradient.AsSpan(0, length);
        var previous = state.XGradient.AsSpan(0, length);
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            var z = state.Z[l].AsSpan(0, length);
            VectorOps.Multiply(g, z, dz);
            VectorOps.AddScaled(1f, dz, fromX0);                // x₀'s share through the product: g ⊙ z_l
            VectorOps.Multiply(g, x0, dz);                       // dz = g ⊙ x₀
            LinearBackward(l, state.X[l].AsSpan(0, length), z, dz, rows, state, previous);
            VectorOps.AddScaled(1f, g, previous);                // the residual: dL/dx_l = dz·Wᵀ + g
            previous.CopyTo(g);
        }
        VectorOps.AddScaled(1f, g, fromX0);                      // x_0 is x₀ itself
    }

    internal sealed class State(int capacity, int width, int layers, int rank)
    {
        /// <summary>x_l·V_l per layer and its gradient (low rank only).</summary>
        public float[][] H { get; } = Enumerable.Range(0, rank > 0 ? layers : 0).Select(_ => new float[capacity * rank]).ToArray();
        public float[] HGradient { get; } = new float[capacity * rank];
        public float[][] X { get; } = Enumerable.Range(0, Math.Max(1, layers)).Select(_ => new float[capacity * width]).ToArray();
        public float[][] Z { get; } = Enumerable.Range(0, layers).Select(_ => new float[capacity * width]).ToArray();
        public float[] ZGradient { get; } = new float[capacity * width];
        public float[] XGradient { get; } = new float[capacity * width];
    }
}

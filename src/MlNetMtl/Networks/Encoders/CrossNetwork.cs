using MathNet.Numerics.Distributions;
using MlNetMtl.Numerics;

namespace MlNetMtl.Networks.Encoders;

/// <summary>
/// DCN-v2 cross layers (Wang et al. 2021, full rank) over the concatenated field embeddings x₀:
/// x_{l+1} = x₀ ⊙ (x_l·W_l + b_l) + x_l, so layer l adds every feature crossing of degree l + 2, shared by the tasks.
/// </summary>
internal sealed class CrossNetwork
{
    private readonly DenseLayer[] _layers;

    public CrossNetwork(int width, int layers)
    {
        Width = width;
        _layers = Enumerable.Range(0, layers).Select(l => new DenseLayer($"cross.{l}", width, width, Activation.Identity)).ToArray();
    }

    public int Width { get; }
    public IEnumerable<Parameter> Parameters => _layers.SelectMany(l => new[] { l.Weight, l.Bias });

    /// <summary>W ~ N(0, 1/width) (Glorot for a square matrix), b = 0.</summary>
    public void Initialize(Random random)
    {
        var normal = new Normal(0, Math.Sqrt(1.0 / Width), random);
        foreach (var layer in _layers)
            for (int i = 0; i < layer.Weight.Value.Length; i++)
                layer.Weight.Value[i] = (float)normal.Sample();
    }

    public State CreateState(int capacity) => new(capacity, Width, _layers.Length);

    /// <summary>x_L into <paramref name="output"/> (rows × Width) from x₀ in <paramref name="input"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, State state, Span<float> output)
    {
        int length = rows * Width;
        var x0 = input[..length];
        x0.CopyTo(state.X[0]);
        for (int l = 0; l < _layers.Length; l++)
        {
            var z = state.Z[l].AsSpan(0, length);
            _layers[l].Forward(state.X[l].AsSpan(0, length), rows, z);
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
            _layers[l].Backward(state.X[l].AsSpan(0, length), z, dz, previous, rows);
            VectorOps.AddScaled(1f, g, previous);                // the residual: dL/dx_l = dz·Wᵀ + g
            previous.CopyTo(g);
        }
        VectorOps.AddScaled(1f, g, fromX0);                      // x_0 is x₀ itself
    }

    internal sealed class State(int capacity, int width, int layers)
    {
        public float[][] X { get; } = Enumerable.Range(0, Math.Max(1, layers)).Select(_ => new float[capacity * width]).ToArray();
        public float[][] Z { get; } = Enumerable.Range(0, layers).Select(_ => new float[capacity * width]).ToArray();
        public float[] ZGradient { get; } = new float[capacity * width];
        public float[] XGradient { get; } = new float[capacity * width];
    }
}

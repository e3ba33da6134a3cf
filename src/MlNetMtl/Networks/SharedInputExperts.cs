using MlNetMtl.Numerics;

namespace MlNetMtl.Networks;

/// <summary>
/// The experts of a level that read the same input (all of MMoE's; PLE's first level): their first layers run as one
/// GEMM over the experts' weights side by side, so the input is packed once instead of once per expert, and so do their
/// first-layer weight gradients. Results are bit for bit those of separate products (<see cref="Gemm.MultiplySegments"/>).
/// </summary>
internal sealed class SharedInputExperts(int input, int[] members)
{
    /// <summary>The input representation the members read.</summary>
    public int Input { get; } = input;

    /// <summary>The members, by expert index.</summary>
    public int[] Members => members;

    /// <summary>Per-call lists of the members' arrays (filled each call: a replica's weights are rebound after construction).</summary>
    public sealed class Buffers(int count)
    {
        public readonly float[][] Weights = new float[count][], Biases = new float[count][], Outputs = new float[count][], Gradients = new float[count][], WeightGradients = new float[count][];
    }

    /// <summary>Computes every member's first-layer output (with bias and ReLU) into its state, from dense <paramref name="input"/>.</summary>
    public void Forward(Mlp[] experts, InputBatch input, MlpState[] states, Buffers buffers)
    {
        var first = experts[members[0]].Layers[0];
        for (int i = 0; i < members.Length; i++)
        {
            var layer = experts[members[i]].Layers[0];
            buffers.Weights[i] = layer.Weight.Value;
            buffers.Biases[i] = layer.Bias.Value;
            buffers.Outputs[i] = states[members[i]].Outputs[0];
        }
        Gemm.MultiplySegments(input.Dense, buffers.Weights, buffers.Outputs, input.Rows, first.Inputs, first.Outputs, buffers.Biases, first.Activation);
    }

    /// <summary>
    /// Every member's backward pass (no input gradient: the input is the network's), from dL/d(expert output) in
    /// <paramref name="outputGradients"/>: upper layers one by one, then all first-layer weight gradients in one product.
    /// </summary>
    public void Backward(Mlp[] experts, InputBatch input, MlpState[] states, float[][] outputGradients, bool dropoutApplied, Buffers buffers)
    {
        int rows = input.Rows;
        var first = experts[members[0]].Layers[0];
        for (int i = 0; i < members.Length; i++)
        {
            int e = members[i];
            var layer = experts[e].Layers[0];
            var gradient = experts[e].BackwardToFirstLayer(rows, states[e], outputGradients[e], dropoutApplied);
            layer.BackwardExceptWeight(states[e].Outputs[0].AsSpan(0, rows * layer.Outputs), gradient, rows);
            buffers.Gradients[i] = gradient;
            buffers.WeightGradients[i] = layer.Weight.Gradient;
        }
        Gemm.MultiplyTransposeASegments(input.Dense, buffers.Gradients, buffers.WeightGradients, first.Inputs, rows, first.Outputs);
    }
}

using MlNetMtl.Networks;
using MlNetMtl.Numerics;
using MlNetMtl.Tests.Numerics;

namespace MlNetMtl.Tests.Networks;

public class DenseLayerGradientTests
{
    /// <summary>L = Σ r ⊙ Y for a fixed random r, so dL/dY = r.</summary>
    private static double Loss(DenseLayer layer, float[] x, int rows, float[] r)
    {
        var y = new float[rows * layer.Outputs];
        layer.Forward(x, rows, y);
        return y.Select((v, i) => (double)v * r[i]).Sum();
    }

    [TestCase(Activation.Relu, 7, 17, 33)]
    [TestCase(Activation.Identity, 5, 31, 1)]
    [TestCase(Activation.Relu, 1, 3, 16)]
    public void Backward_MatchesFiniteDifferences(Activation activation, int rows, int inputs, int outputs)
    {
        var layer = new DenseLayer("layer", inputs, outputs, activation);
        Reference.Random(inputs * outputs, 1, 0.5f).CopyTo(layer.Weight.Value, 0);
        Reference.Random(outputs, 2, 0.5f).CopyTo(layer.Bias.Value, 0);
        var x = Reference.Random(rows * inputs, 3);
        var r = Reference.Random(rows * outputs, 4);
        var y = new float[rows * outputs];
        var dx = new float[rows * inputs];
        layer.Forward(x, rows, y);
        layer.Backward(x, y, (float[])r.Clone(), dx, rows);

        FiniteDifferences.Check("dW", layer.Weight.Value, layer.Weight.Gradient, () => Loss(layer, x, rows, r));
        FiniteDifferences.Check("db", layer.Bias.Value, layer.Bias.Gradient, () => Loss(layer, x, rows, r));
        FiniteDifferences.Check("dX", x, dx, () => Loss(layer, x, rows, r));
    }

    [Test]
    public void SparseFirstLayerBackward_MatchesFiniteDifferences()
    {
        const int inputs = 1000, outputs = 9;
        int[] starts = [0, 2, 3, 6];
        int[] indices = [5, 999, 5, 0, 17, 400];
        float[] values = [1f, 0.5f, -2f, 1f, 1f, 0.25f];
        var layer = new DenseLayer("first", inputs, outputs, Activation.Relu);
        Reference.Random(inputs * outputs, 5).CopyTo(layer.Weight.Value, 0);
        Reference.Random(outputs, 6).CopyTo(layer.Bias.Value, 0);
        var r = Reference.Random(3 * outputs, 7);
        double Loss()
        {
            var y = new float[3 * outputs];
            layer.Forward(InputBatch.FromSparse(new CsrRows(starts, indices, values, inputs)), y);
            return y.Select((v, i) => (double)v * r[i]).Sum();
        }
        var output = new float[3 * outputs];
        var batch = InputBatch.FromSparse(new CsrRows(starts, indices, values, inputs));
        layer.Forward(batch, output);
        layer.Backward(batch, output, (float[])r.Clone());

        Assert.That(layer.Weight.TouchedRows!.Rows.ToArray(), Is.EquivalentTo(new[] { 5, 999, 0, 17, 400 }));
        foreach (int row in new[] { 5, 999, 0, 17, 400, 1, 998 })
        {
            var rowValues = layer.Weight.Value.AsSpan(row * outputs, outputs);
            var slice = rowValues.ToArray();
            var analytic = layer.Weight.Gradient.AsSpan(row * outputs, outputs).ToArray();
            FiniteDifferences.Check($"dW row {row}", slice, analytic, () =>
            {
                slice.CopyTo(layer.Weight.Value, row * outputs);
                return Loss();
            });
            slice.CopyTo(layer.Weight.Value, row * outputs);
        }
        FiniteDifferences.Check("db", layer.Bias.Value, layer.Bias.Gradient, Loss);
    }
}

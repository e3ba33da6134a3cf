using MlNetMtl.Numerics;

namespace MlNetMtl.Tests.Numerics;

public class FieldInteractionTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from path in Reference.Paths from size in new[] { 1, 15, 17, 33 } from fields in new[] { 1, 5 } select new TestCaseData(path, size, fields);

    [TestCaseSource(nameof(Cases))]
    public void BiInteraction_AndItsBackward_MatchTheSumOfPairwiseProducts(SimdPath path, int size, int fields)
    {
        using var _ = Reference.Force(path);
        var embeddings = Reference.Random(fields * size, 1);
        var outputGradient = Reference.Random(size, 2);
        var sum = new float[size];
        var output = new float[size];
        FieldInteractions.BiInteraction(embeddings, size, sum, output);
        var gradient = Reference.Random(fields * size, 3); // accumulated into, not overwritten
        var expectedGradient = gradient.Select(g => (double)g).ToArray();
        FieldInteractions.BiInteractionBackward(embeddings, sum, outputGradient, gradient);

        var pairs = new double[size];
        for (int d = 0; d < size; d++)
        {
            for (int f = 0; f < fields; f++)
            {
                for (int g = f + 1; g < fields; g++)
                    pairs[d] += (double)embeddings[f * size + d] * embeddings[g * size + d];
                // ∂/∂e_fd of Σ_{f<g} e_fd·e_gd is Σ_{g≠f} e_gd.
                double others = Enumerable.Range(0, fields).Where(g => g != f).Sum(g => (double)embeddings[g * size + d]);
                expectedGradient[f * size + d] += outputGradient[d] * others;
            }
        }
        Reference.AssertClose(output, pairs, 1e-5, 1e-5, "bi-interaction");
        Reference.AssertClose(gradient, expectedGradient, 1e-5, 1e-5, "its backward pass");
    }
}

using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Domains;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Numerics;
using MlNetMtl.Tests.Numerics;
using static MlNetMtl.Tests.Networks.NetworkGradientTests;

namespace MlNetMtl.Tests.Networks;

/// <summary>Scenario-aware networks (STAR, PEPNet, domain-conditioned gates) against finite differences, on rows of every domain and of none.</summary>
public class DomainNetworkGradientTests
{
    private const int Rows = 12, Inputs = 9;

    /// <summary>Three domains one-hot in slots 2–4; every fourth row names none (an unseen domain: the shared fallback).</summary>
    private static readonly DomainLayout ThreeDomains = new("tab", 2, ["a", "b", "c"]);

    private static float[] DenseRows()
    {
        var x = Reference.Random(Rows * Inputs, 21);
        for (int r = 0; r < Rows; r++)
        {
            x.AsSpan(r * Inputs + 2, 3).Clear();
            if (r % 4 < 3)
                x[r * Inputs + 2 + (r * 5 + 1) % 3] = 1f;
        }
        return x;
    }

    public static IEnumerable<TestCaseData> StarVariants()
    {
        yield return new TestCaseData(new StarOptions { BottomWidths = [7, 5], TowerWidths = [4], AuxiliaryWidth = 6 }, "Binary").SetName("STAR, normalised, auxiliary");
        yield return new TestCaseData(new StarOptions { BottomWidths = [6], TowerWidths = [], AuxiliaryWidth = 0, PartitionedNormalization = false }, "Regression").SetName("STAR, bare");
        yield return new TestCaseData(new StarOptions { BottomWidths = [7, 5], TowerWidths = [4], AuxiliaryWidth = 4, Dropout = 0.2f }, "Binary").SetName("STAR, dropout");
    }

    [TestCaseSource(nameof(StarVariants))]
    public void Star_MatchesFiniteDifferences(StarOptions options, string kindName)
    {
        var kind = TaskKind.Parse(kindName);
        var network = MultiTaskNetwork.Create(Inputs, Tasks(kind), options, seed: 3, domains: ThreeDomains);
        PerturbDomainWeights(network);
        var x = DenseRows();
        CheckAllParameters(network, () => InputBatch.FromDense(x, Rows, Inputs), Labels(kind, Rows));
    }

    [Test]
    public void Star_SparseRows_MatchFiniteDifferences()
    {
        // Four rows of width 50, domains one-hot in slots 10–12: domain b, none, a, c.
        int[] starts = [0, 3, 5, 8, 10];
        int[] indices = [1, 11, 49, 7, 30, 10, 2, 40, 12, 3];
        float[] values = [1f, 1f, 0.5f, -1f, 2f, 1f, 1f, 0.7f, 1f, -0.3f];
        var network = MultiTaskNetwork.Create(50, Tasks(TaskKind.Binary), new StarOptions { BottomWidths = [6], TowerWidths = [3], AuxiliaryWidth = 3 }, seed: 5,
            domains: new DomainLayout("tab", 10, ["a", "b", "c"]));
        PerturbDomainWeights(network);
        CheckAllParameters(network, () => InputBatch.FromSparse(new CsrRows(starts, indices, values, 50)), Labels(TaskKind.Binary, 4));
    }

    [Test]
    public void Star_UnderFieldEmbeddings_MatchesFiniteDifferences()
    {
        // The item field (slots 4–7) is the domain; the third row has no item.
        var options = new StarOptions { BottomWidths = [6], TowerWidths = [3], AuxiliaryWidth = 4, Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 3 } };
        var network = MultiTaskNetwork.Create(12, Tasks(TaskKind.Binary), options, seed: 7, fields: EmbeddingFields, domains: new DomainLayout("item", 4, ["i0", "i1", "i2", "i3"]));
        PerturbDomainWeights(network);
        CheckAllParameters(network, EmbeddingRows, Labels(TaskKind.Binary, 5));
    }

    public static IEnumerable<TestCaseData> PepNetVariants()
    {
        yield return new TestCaseData(new PepNetOptions { TowerWidths = [5, 4], GateWidth = 6, StopGradients = false }, "Binary").SetName("PEPNet, two gated layers");
        yield return new TestCaseData(new PepNetOptions { TowerWidths = [4], GateWidth = 3, StopGradients = false }, "Regression").SetName("PEPNet, regression");
        yield return new TestCaseData(new PepNetOptions { TowerWidths = [5, 4], GateWidth = 4, Dropout = 0.2f, StopGradients = false }, "Binary").SetName("PEPNet, dropout");
    }

    [TestCaseSource(nameof(PepNetVariants))]
    public void PepNet_MatchesFiniteDifferences(PepNetOptions options, string kindName)
    {
        var kind = TaskKind.Parse(kindName);
        var network = MultiTaskNetwork.Create(Inputs, Tasks(kind), options, seed: 3, domains: ThreeDomains);
        PerturbDomainWeights(network);
        var x = DenseRows();
        CheckAllParameters(network, () => InputBatch.FromDense(x, Rows, Inputs), Labels(kind, Rows));
    }

    /// <summary>
    /// With the paper's stopped gradients, what a gate reads is not trained through it, so a finite difference of EPNet's or the
    /// encoder's weights also moves the gates that read their output; the towers' and PPNet's gates' gradients stay exact.
    /// </summary>
    [Test]
    public void PepNet_WithStoppedGradients_TowersAndPersonalGatesMatchFiniteDifferences_AndTheInputsGradientIsEPNetsScaleAlone()
    {
        var options = new PepNetOptions { TowerWidths = [5, 4], GateWidth = 6 };
        Assert.That(options.StopGradients, Is.True, "the paper's choice is the default");
        var network = MultiTaskNetwork.Create(Inputs, Tasks(TaskKind.Binary), options, seed: 3, domains: ThreeDomains);
        PerturbDomainWeights(network);
        var x = DenseRows();
        CheckAllParameters(network, () => InputBatch.FromDense(x, Rows, Inputs), Labels(TaskKind.Binary, Rows),
            only: p => p.Name.StartsWith("tower.", StringComparison.Ordinal) || p.Name.StartsWith("pepnet.ppnet.", StringComparison.Ordinal));

        // Under field embeddings, the table's gradient with stopped gradients differs from the exact one (the gates' paths are cut).
        var embedding = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 3 };
        float[] TableGradient(bool stop)
        {
            var net = MultiTaskNetwork.Create(12, Tasks(TaskKind.Binary), new PepNetOptions { TowerWidths = [4], GateWidth = 3, StopGradients = stop, Encoder = embedding },
                seed: 7, fields: EmbeddingFields, domains: new DomainLayout("item", 4, ["i0", "i1", "i2", "i3"]));
            CheckAllParameters(net, EmbeddingRows, Labels(TaskKind.Binary, 5), only: p => p.Name.StartsWith("tower.", StringComparison.Ordinal));
            return net.Parameters[0].Gradient.ToArray();
        }
        Assert.That(TableGradient(stop: true), Is.Not.EqualTo(TableGradient(stop: false)));
    }

    [Test]
    public void PepNet_MulticlassHead_MatchesFiniteDifferences()
    {
        TaskDefinition[] tasks = [new("kind", TaskKind.Multiclass, 1f, classCount: 4), new("click", TaskKind.Binary, 0.5f)];
        var network = MultiTaskNetwork.Create(Inputs, tasks, new PepNetOptions { TowerWidths = [5], GateWidth = 4, StopGradients = false }, seed: 12, domains: ThreeDomains);
        PerturbDomainWeights(network);
        var x = DenseRows();
        float[][] labels = [Enumerable.Range(0, Rows).Select(r => (float)(r * 7 % 4)).ToArray(), Reference.Random(Rows, 14).Select(v => v > 0 ? 1f : 0f).ToArray()];
        CheckAllParameters(network, () => InputBatch.FromDense(x, Rows, Inputs), labels);
    }

    [Test]
    public void PepNet_SparseRows_AndFieldEmbeddings_MatchFiniteDifferences()
    {
        int[] starts = [0, 3, 5, 8, 10];
        int[] indices = [1, 11, 49, 7, 30, 10, 2, 40, 12, 3];
        float[] values = [1f, 1f, 0.5f, -1f, 2f, 1f, 1f, 0.7f, 1f, -0.3f];
        var sparse = MultiTaskNetwork.Create(50, Tasks(TaskKind.Binary), new PepNetOptions { TowerWidths = [4], GateWidth = 3, StopGradients = false }, seed: 5,
            domains: new DomainLayout("tab", 10, ["a", "b", "c"]));
        PerturbDomainWeights(sparse);
        CheckAllParameters(sparse, () => InputBatch.FromSparse(new CsrRows(starts, indices, values, 50)), Labels(TaskKind.Binary, 4));

        var options = new PepNetOptions { TowerWidths = [4], GateWidth = 3, StopGradients = false, Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 3 } };
        var embedded = MultiTaskNetwork.Create(12, Tasks(TaskKind.Binary), options, seed: 7, fields: EmbeddingFields, domains: new DomainLayout("item", 4, ["i0", "i1", "i2", "i3"]));
        PerturbDomainWeights(embedded);
        CheckAllParameters(embedded, EmbeddingRows, Labels(TaskKind.Binary, 5));
    }

    [TestCase("MMoE")]
    [TestCase("OMoE")]
    [TestCase("PLE")]
    public void DomainConditionedGates_MatchFiniteDifferences(string architecture)
    {
        NetworkOptions options = architecture switch
        {
            "MMoE" => new MmoeOptions { ExpertCount = 3, ExpertWidths = [6], TowerWidths = [4] },
            "OMoE" => new OmoeOptions { ExpertCount = 3, ExpertWidths = [6], TowerWidths = [4] },
            _ => new PleOptions { Levels = 2, SharedExperts = 1, TaskExperts = 1, ExpertWidths = [5], TowerWidths = [] },
        };
        var network = MultiTaskNetwork.Create(Inputs, Tasks(TaskKind.Binary), options, seed: 4, domains: ThreeDomains);
        var domainGates = network.Parameters.Where(p => p.Name.EndsWith(".domain", StringComparison.Ordinal)).ToArray();
        Assert.That(domainGates, Is.Not.Empty);
        Assert.That(domainGates.All(p => p.Rows == 3), Is.True, "one row of gate logits per domain");
        PerturbDomainWeights(network);
        var x = DenseRows();
        CheckAllParameters(network, () => InputBatch.FromDense(x, Rows, Inputs), Labels(TaskKind.Binary, Rows));
    }

    [TestCase("STAR")]
    [TestCase("MMoE")]
    [TestCase("PEPNet")]
    public void ScenarioAwareNetwork_SavedAndRead_PredictsBitForBit_AndARowOfNoDomainIgnoresEveryDomainsWeights(string architecture)
    {
        NetworkOptions options = architecture switch
        {
            "STAR" => new StarOptions { BottomWidths = [7], TowerWidths = [4], AuxiliaryWidth = 5 },
            "PEPNet" => new PepNetOptions { TowerWidths = [16, 8], GateWidth = 8 },
            _ => new MmoeOptions { ExpertCount = 3, ExpertWidths = [6] },
        };
        var network = MultiTaskNetwork.Create(Inputs, Tasks(TaskKind.Binary), options, seed: 8, domains: ThreeDomains);
        PerturbDomainWeights(network);
        var x = DenseRows();
        var batch = InputBatch.FromDense(x, Rows, Inputs);
        float[] before = new float[Rows * 3], after = new float[Rows * 3];
        network.Predict(batch, before);
        using var stream = new MemoryStream();
        NetworkSerializer.Write(network, new BinaryWriter(stream));
        stream.Position = 0;
        var read = NetworkSerializer.Read(new BinaryReader(stream));
        Assert.That(read.Domains!.Names, Is.EqualTo(ThreeDomains.Names));
        Assert.That(read.Domains.Start, Is.EqualTo(ThreeDomains.Start));
        read.Predict(batch, after);
        Assert.That(after, Is.EqualTo(before), "bit for bit after a round trip");

        // Every domain's own weights changed: rows of a domain move, rows of none (3, 7, 11) stay bit for bit.
        foreach (var parameter in read.Parameters.Where(p => p.Name.Contains(".domain", StringComparison.Ordinal)))
            for (int i = 0; i < parameter.Value.Length; i++)
                parameter.Value[i] += 0.1f * (i % 7); // uneven: a gate's softmax ignores a shift of all its logits
        read.Predict(batch, after);
        for (int r = 0; r < Rows; r++)
            for (int t = 0; t < 3; t++)
                if (r % 4 == 3)
                    Assert.That(after[r * 3 + t], Is.EqualTo(before[r * 3 + t]), $"row {r} names no domain");
                else
                    Assert.That(after[r * 3 + t], Is.Not.EqualTo(before[r * 3 + t]), $"row {r} names a domain");
    }

    [Test]
    public void Star_WithoutDomains_IsRefusedNamingTheOption()
    {
        Assert.That(() => MultiTaskNetwork.Create(Inputs, Tasks(TaskKind.Binary), new StarOptions()),
            Throws.ArgumentException.With.Message.Contains("STAR").And.Message.Contains("domain column"));
        Assert.That(() => MultiTaskNetwork.Create(Inputs, Tasks(TaskKind.Binary), new PepNetOptions()),
            Throws.ArgumentException.With.Message.Contains("PEPNet").And.Message.Contains("domain column"));
        Assert.That(() => MultiTaskNetwork.Create(4, Tasks(TaskKind.Binary), new StarOptions(), domains: ThreeDomains),
            Throws.ArgumentException.With.Message.Contains("'tab'").And.Message.Contains("slots 2–4"));
    }

    /// <summary>Domain weights start at 1 and domain biases at 0, where a wrong gradient of one could hide; move them off.</summary>
    private static void PerturbDomainWeights(MultiTaskNetwork network)
    {
        foreach (var parameter in network.Parameters.Where(p => p.Name.Contains(".domain", StringComparison.Ordinal) || p.Name.Contains("norm", StringComparison.Ordinal)))
        {
            var noise = Reference.Random(parameter.Value.Length, parameter.Name.Length + 40, 0.3f);
            for (int i = 0; i < noise.Length; i++)
                parameter.Value[i] += noise[i];
        }
    }
}

using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Numerics;
using MlNetMtl.Tests.Numerics;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Networks;

public class NetworkGradientTests
{
    internal delegate InputBatch BatchFactory();

    /// <summary>L = Σₜ wₜ·meanₜ(loss), with dropout masks redrawn from the same seed at every evaluation.</summary>
    private static double Objective(MultiTaskNetwork network, BatchFactory batch, float[][] labels, NetworkWorkspace workspace, bool backward)
    {
        var sums = new double[network.Tasks.Count];
        var weightSums = new double[network.Tasks.Count];
        var input = batch();
        Random? dropout = network.Options.Dropout > 0 ? new Random(99) : null;
        bool finite = MultiTaskObjective.Evaluate(network, input, labels, Weights(network.Tasks.Count, input.Rows), workspace, dropout, backward, sums, weightSums, out _, out double regularization, default, null);
        Assert.That(finite, Is.True);
        return sums.Select((s, t) => s * network.Tasks[t].LossWeight / weightSums[t]).Sum() + regularization;
    }

    /// <summary>Uneven row weights, with a zero (a masked label) in every task, so weighting is checked too.</summary>
    private static float[][] Weights(int tasks, int rows) =>
        Enumerable.Range(0, tasks).Select(t => Enumerable.Range(0, rows).Select(r => r == t % rows ? 0f : 0.5f + (r * 7 + t * 3) % 5 * 0.25f).ToArray()).ToArray();

    /// <summary>
    /// Biases start at zero, which puts every pre-activation of an all-zero sparse row exactly on the ReLU kink,
    /// where a central difference averages the two one-sided slopes; random biases move them off it.
    /// </summary>
    private static void RandomizeBiases(MultiTaskNetwork network)
    {
        foreach (var parameter in network.Parameters.Where(p => p.Name.EndsWith(".bias")))
            Reference.Random(parameter.Value.Length, parameter.Name.Length, 0.3f).CopyTo(parameter.Value, 0);
    }

    /// <param name="network">The network, whose biases are randomised first.</param>
    /// <param name="batch">The input rows.</param>
    /// <param name="labels">Per task, each row's label.</param>
    /// <param name="only">The parameters to check; null for every one.</param>
    internal static void CheckAllParameters(MultiTaskNetwork network, BatchFactory batch, float[][] labels, Func<Parameter, bool>? only = null)
    {
        RandomizeBiases(network);
        var workspace = network.CreateWorkspace(16);
        Objective(network, batch, labels, workspace, backward: true);
        var gradients = network.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
        for (int i = 0; i < network.Parameters.Count; i++)
            if (only is null || only(network.Parameters[i]))
                FiniteDifferences.Check(network.Parameters[i].Name, network.Parameters[i].Value, gradients[i],
                () => Objective(network, batch, labels, workspace, backward: false), seed: i);
    }

    internal static TaskDefinition[] Tasks(TaskKind kind) => [new("a", kind, 1f), new("b", kind, 0.5f), new("c", kind, 2f)];

    internal static float[][] Labels(TaskKind kind, int rows) =>
        Enumerable.Range(0, 3).Select(t => Reference.Random(rows, 50 + t).Select(v => kind == TaskKind.Binary ? (v > 0 ? 1f : 0f) : 2 * v).ToArray()).ToArray();

    [TestCase("Binary", 0f)]
    [TestCase("Regression", 0f)]
    [TestCase("Binary", 0.3f)]
    public void WholeMultiTaskLoss_MatchesFiniteDifferences(string kindName, float dropout)
    {
        var kind = TaskKind.Parse(kindName);
        const int rows = 11, inputs = 13;
        var network = MultiTaskNetwork.Create(inputs, Tasks(kind), new SharedBottomOptions { BottomWidths = [17, 9], TowerWidths = [5], Dropout = dropout }, seed: 3);
        var x = Reference.Random(rows * inputs, 4);
        CheckAllParameters(network, () => InputBatch.FromDense(x, rows, inputs), Labels(kind, rows));
    }

    [TestCase(false, 0f, "Binary")]
    [TestCase(true, 0f, "Regression")]
    [TestCase(false, 0.25f, "Binary")]
    public void Mmoe_WholeMultiTaskLoss_MatchesFiniteDifferences(bool sharedGate, float dropout, string kindName)
    {
        var kind = TaskKind.Parse(kindName);
        const int rows = 9, inputs = 11;
        var network = MultiTaskNetwork.Create(inputs, Tasks(kind),
            sharedGate ? new OmoeOptions { ExpertCount = 3, ExpertWidths = [7, 5], TowerWidths = [4], Dropout = dropout }
                : new MmoeOptions { ExpertCount = 3, ExpertWidths = [7, 5], TowerWidths = [4], Dropout = dropout }, seed: 4);
        var x = Reference.Random(rows * inputs, 6);
        CheckAllParameters(network, () => InputBatch.FromDense(x, rows, inputs), Labels(kind, rows));
    }

    /// <summary>First layers 32 wide fill whole register panels on every path, so the experts' first layers run as one product.</summary>
    [TestCase("MMoE", 0f)]
    [TestCase("MMoE", 0.25f)]
    [TestCase("PLE", 0f)]
    public void FusedExpertFirstLayers_MatchFiniteDifferences(string architecture, float dropout)
    {
        const int rows = 9, inputs = 11;
        NetworkOptions options = architecture == "MMoE"
            ? new MmoeOptions { ExpertCount = 3, ExpertWidths = [32, 5], TowerWidths = [4], Dropout = dropout }
            : new PleOptions { Levels = 2, SharedExperts = 2, TaskExperts = 1, ExpertWidths = [32, 5], TowerWidths = [4], Dropout = dropout };
        var network = MultiTaskNetwork.Create(inputs, Tasks(TaskKind.Binary), options, seed: 4);
        var x = Reference.Random(rows * inputs, 6);
        CheckAllParameters(network, () => InputBatch.FromDense(x, rows, inputs), Labels(TaskKind.Binary, rows));
    }

    [TestCase(2, 2, 1, 0f, "Binary")]
    [TestCase(1, 1, 2, 0f, "Regression")]
    [TestCase(3, 1, 1, 0.2f, "Binary")]
    public void Ple_WholeMultiTaskLoss_MatchesFiniteDifferences(int levels, int shared, int specific, float dropout, string kindName)
    {
        var kind = TaskKind.Parse(kindName);
        const int rows = 7, inputs = 9;
        var network = MultiTaskNetwork.Create(inputs, Tasks(kind),
            new PleOptions { Levels = levels, SharedExperts = shared, TaskExperts = specific, ExpertWidths = [6, 5], TowerWidths = [4], Dropout = dropout }, seed: 11);
        var x = Reference.Random(rows * inputs, 9);
        CheckAllParameters(network, () => InputBatch.FromDense(x, rows, inputs), Labels(kind, rows));
    }

    [Test]
    public void Ple_SparseInputs_MatchesFiniteDifferences()
    {
        const int inputs = 50;
        int[] starts = [0, 3, 4, 4, 7];
        int[] indices = [1, 7, 49, 7, 0, 2, 30];
        float[] values = [1f, 1f, 0.5f, -1f, 1f, 1f, 2f];
        var network = MultiTaskNetwork.Create(inputs, Tasks(TaskKind.Binary), new PleOptions { Levels = 2, ExpertWidths = [6], TowerWidths = [] }, seed: 5);
        CheckAllParameters(network, () => InputBatch.FromSparse(new CsrRows(starts, indices, values, inputs)), Labels(TaskKind.Binary, 4));
    }

    [TestCase(0f)]
    [TestCase(0.2f)]
    public void Esmm_CtrAndCtcvrLosses_MatchFiniteDifferences(float dropout)
    {
        const int rows = 10, inputs = 8;
        TaskDefinition[] tasks = [new("ctr", TaskKind.Binary), new("ctcvr", TaskKind.Binary, 0.7f)];
        var network = MultiTaskNetwork.Create(inputs, tasks, new EsmmOptions { BottomWidths = [9], TowerWidths = [5], Dropout = dropout }, seed: 2);
        var x = Reference.Random(rows * inputs, 3);
        var clicks = Reference.Random(rows, 4).Select(v => v > -0.3f ? 1f : 0f).ToArray();
        var conversions = Reference.Random(rows, 5).Select((v, r) => clicks[r] == 1f && v > 0 ? 1f : 0f).ToArray();
        CheckAllParameters(network, () => InputBatch.FromDense(x, rows, inputs), [clicks, conversions]);
    }

    [Test]
    public void Esmm_CtcvrIsCtrTimesCvr_OnEveryRow()
    {
        const int rows = 300, inputs = 6;
        var network = MultiTaskNetwork.Create(inputs, [new TaskDefinition("ctr", TaskKind.Binary), new TaskDefinition("ctcvr", TaskKind.Binary)], new EsmmOptions { BottomWidths = [8] }, seed: 1);
        foreach (var parameter in network.Parameters)
            Reference.Random(parameter.Value.Length, parameter.Name.Length, 3f).CopyTo(parameter.Value, 0); // extreme logits too
        var values = new float[rows * 3];
        network.PredictWithAuxiliary(InputBatch.FromDense(Reference.Random(rows * inputs, 2, 4f), rows, inputs), values);
        Assert.That(network.AuxiliaryOutputs.Single(), Is.EqualTo(new AuxiliaryOutput(1, "ConversionProbability")));
        for (int r = 0; r < rows; r++)
        {
            double pCtr = 1 / (1 + Math.Exp(-values[r * 3])), pCtcvr = 1 / (1 + Math.Exp(-values[r * 3 + 1])), pCvr = values[r * 3 + 2];
            Assert.That(pCtcvr, Is.EqualTo(pCtr * pCvr).Within(1e-6 + 1e-5 * pCtcvr), $"row {r}");
        }
    }

    [TestCase(2, 0f, 0f)]
    [TestCase(3, 0.6f, 0f)]
    [TestCase(3, 2f, 0.2f)]
    public void Aitm_LossesAndCalibrator_MatchFiniteDifferences(int taskCount, float calibrator, float dropout)
    {
        const int rows = 8, inputs = 7;
        var tasks = Enumerable.Range(0, taskCount).Select(t => new TaskDefinition($"step{t}", TaskKind.Binary, 1f - 0.2f * t)).ToArray();
        var network = MultiTaskNetwork.Create(inputs, tasks, new AitmOptions { BottomWidths = [9], TowerWidths = [6, 5], CalibratorWeight = calibrator, Dropout = dropout }, seed: 6);
        var x = Reference.Random(rows * inputs, 7);
        var labels = Enumerable.Range(0, taskCount).Select(t => Reference.Random(rows, 30 + t).Select(v => v > 0.3f * t - 0.2f ? 1f : 0f).ToArray()).ToArray();
        CheckAllParameters(network, () => InputBatch.FromDense(x, rows, inputs), labels);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void MulticlassHead_MatchesFiniteDifferences(bool mixtureOfExperts)
    {
        const int rows = 9, inputs = 7;
        TaskDefinition[] tasks = [new("kind", TaskKind.Multiclass, 1f, classCount: 4), new("click", TaskKind.Binary, 0.5f)];
        NetworkOptions options = mixtureOfExperts
            ? new MmoeOptions { ExpertCount = 3, ExpertWidths = [6], TowerWidths = [5] }
            : new SharedBottomOptions { BottomWidths = [8], TowerWidths = [5] };
        var network = MultiTaskNetwork.Create(inputs, tasks, options, seed: 12);
        var x = Reference.Random(rows * inputs, 13);
        float[][] labels = [Enumerable.Range(0, rows).Select(r => (float)(r * 7 % 4)).ToArray(), Reference.Random(rows, 14).Select(v => v > 0 ? 1f : 0f).ToArray()];
        CheckAllParameters(network, () => InputBatch.FromDense(x, rows, inputs), labels);
        Assert.That(network.OutputWidth, Is.EqualTo(5));
        Assert.That(network.OutputOffset(1), Is.EqualTo(4));
    }

    [Test]
    public void Mmoe_SparseInputs_MatchesFiniteDifferences()
    {
        const int inputs = 50;
        int[] starts = [0, 3, 4, 4, 7];
        int[] indices = [1, 7, 49, 7, 0, 2, 30];
        float[] values = [1f, 1f, 0.5f, -1f, 1f, 1f, 2f];
        var network = MultiTaskNetwork.Create(inputs, Tasks(TaskKind.Binary), new MmoeOptions { ExpertCount = 4, ExpertWidths = [6], TowerWidths = [] }, seed: 5);
        CheckAllParameters(network, () => InputBatch.FromSparse(new CsrRows(starts, indices, values, inputs)), Labels(TaskKind.Binary, 4));
    }

    [Test]
    public void WholeMultiTaskLoss_SparseInputs_MatchesFiniteDifferences()
    {
        const int inputs = 50;
        int[] starts = [0, 3, 4, 4, 7];
        int[] indices = [1, 7, 49, 7, 0, 2, 30];
        float[] values = [1f, 1f, 0.5f, -1f, 1f, 1f, 2f];
        var network = MultiTaskNetwork.Create(inputs, Tasks(TaskKind.Binary), new SharedBottomOptions { BottomWidths = [8], TowerWidths = [] }, seed: 5);
        CheckAllParameters(network, () => InputBatch.FromSparse(new CsrRows(starts, indices, values, inputs)), Labels(TaskKind.Binary, 4));
    }

    [Test]
    public void SparseAndDenseInputs_GiveTheSameOutputsAndGradients()
    {
        const int inputs = 40, rows = 4;
        int[] starts = [0, 2, 5, 5, 6];
        int[] indices = [3, 39, 0, 3, 12, 20];
        float[] values = [1f, -0.5f, 2f, 1f, 1f, 0.25f];
        var dense = new float[rows * inputs];
        for (int r = 0; r < rows; r++)
            for (int p = starts[r]; p < starts[r + 1]; p++)
                dense[r * inputs + indices[p]] += values[p];
        var labels = Labels(TaskKind.Binary, rows);
        var sparseNet = MultiTaskNetwork.Create(inputs, Tasks(TaskKind.Binary), new SharedBottomOptions { BottomWidths = [16, 8] }, seed: 8);
        var denseNet = MultiTaskNetwork.Create(inputs, Tasks(TaskKind.Binary), new SharedBottomOptions { BottomWidths = [16, 8] }, seed: 8);

        double sparseLoss = Objective(sparseNet, () => InputBatch.FromSparse(new CsrRows(starts, indices, values, inputs)), labels, sparseNet.CreateWorkspace(rows), true);
        double denseLoss = Objective(denseNet, () => InputBatch.FromDense(dense, rows, inputs), labels, denseNet.CreateWorkspace(rows), true);

        Assert.That(sparseLoss, Is.EqualTo(denseLoss).Within(1e-5));
        for (int i = 0; i < denseNet.Parameters.Count; i++)
            Reference.AssertClose(sparseNet.Parameters[i].Gradient, denseNet.Parameters[i].Gradient.Select(v => (double)v).ToArray(), 1e-4, 1e-6, denseNet.Parameters[i].Name);
    }

    [Test]
    public void Predict_ReturnsTheForwardOutputsPerRowAndTask()
    {
        const int rows = 1500, inputs = 6; // more rows than one prediction chunk
        var network = MultiTaskNetwork.Create(inputs, Tasks(TaskKind.Regression), seed: 1);
        var x = Reference.Random(rows * inputs, 2);
        var scores = new float[rows * 3];
        network.Predict(InputBatch.FromDense(x, rows, inputs), scores);
        var workspace = network.CreateWorkspace(1);
        foreach (int row in new[] { 0, 1023, 1024, rows - 1 })
        {
            network.Forward(InputBatch.FromDense(x.AsSpan(row * inputs, inputs), 1, inputs), workspace, null);
            for (int t = 0; t < 3; t++)
                Assert.That(scores[row * 3 + t], Is.EqualTo(workspace.TaskOutputs(t, 1)[0]), $"row {row}, task {t}");
        }
        Assert.That(() => network.Predict(InputBatch.FromDense(new float[10], 2, 5), new float[6]),
            Throws.ArgumentException.With.Message.Contains("width 5").And.Message.Contains("built for 6"));
    }

    /// <summary>Twelve slots in four fields: two one-hot ids, a numeric value and a bag of three tags.</summary>
    internal static readonly FieldLayout EmbeddingFields = new([
        new Field("user", 0, 4, FieldKind.Categorical), new Field("item", 4, 4, FieldKind.Categorical),
        new Field("price", 8, 1, FieldKind.Numeric), new Field("tags", 9, 3, FieldKind.Bag)]);

    /// <summary>Five rows over <see cref="EmbeddingFields"/>: every slot is touched, one row has no tag, one no item.</summary>
    internal static InputBatch EmbeddingRows() => InputBatch.FromSparse(new CsrRows(
        [0, 5, 9, 12, 16, 20],
        [0, 4, 8, 9, 11, /**/ 1, 5, 8, 10, /**/ 2, 8, 9, /**/ 3, 7, 8, 11, /**/ 1, 6, 8, 9],
        [1, 1, 0.7f, 1, 1, /**/ 1, 1, -1.2f, 1, /**/ 1, 0.3f, 1, /**/ 1, 1, 2f, 1, /**/ 1, 1, -0.4f, 1], 12));

    private static NetworkOptions SmallNetwork(string architecture) => architecture switch
    {
        "SharedBottom" => new SharedBottomOptions { BottomWidths = [9], TowerWidths = [4], Dropout = 0.2f },
        "MMoE" => new MmoeOptions { ExpertCount = 3, ExpertWidths = [6], TowerWidths = [4] },
        "PLE" => new PleOptions { Levels = 2, SharedExperts = 1, TaskExperts = 1, ExpertWidths = [5], TowerWidths = [] },
        "ESMM" => new EsmmOptions { BottomWidths = [9], TowerWidths = [5] },
        "AITM" => new AitmOptions { BottomWidths = [9], TowerWidths = [6, 5], CalibratorWeight = 0.6f },
        _ => throw new ArgumentException(architecture),
    };

    [TestCase("SharedBottom", FeatureInteraction.FM)]
    [TestCase("SharedBottom", FeatureInteraction.None)]
    [TestCase("MMoE", FeatureInteraction.FM)]
    [TestCase("PLE", FeatureInteraction.FM)]
    [TestCase("ESMM", FeatureInteraction.FM)]
    [TestCase("AITM", FeatureInteraction.None)]
    [TestCase("SharedBottom", FeatureInteraction.Cross)]
    [TestCase("MMoE", FeatureInteraction.Cross)]
    [TestCase("PLE", FeatureInteraction.Cross, 2)]
    [TestCase("SharedBottom", FeatureInteraction.Cross, 5)]
    [TestCase("SharedBottom", FeatureInteraction.FM, 0, BagPooling.Mean)]
    [TestCase("MMoE", FeatureInteraction.Cross, 0, BagPooling.Mean)]
    public void EmbeddingEncoder_UnderEveryArchitecture_MatchesFiniteDifferences(string architecture, FeatureInteraction interaction, int crossRank = 0,
        BagPooling pooling = BagPooling.Sum)
    {
        var options = SmallNetwork(architecture).WithEncoder(new EncoderOptions
        {
            Encoding = InputEncoding.Embedding, EmbeddingSize = 3, Interaction = interaction, CrossRank = crossRank, BagPooling = pooling,
        });
        TaskDefinition[] tasks = architecture is "ESMM" or "AITM" ? [new("ctr", TaskKind.Binary), new("ctcvr", TaskKind.Binary, 0.7f)] : Tasks(TaskKind.Binary);
        var network = MultiTaskNetwork.Create(12, tasks, options, seed: 7, fields: EmbeddingFields);
        Assert.That(network.Parameters[0].Name, Is.EqualTo("embedding.table"));
        Assert.That(network.Parameters[0].Rows * network.Parameters[0].Columns, Is.EqualTo(36));
        float[] clicks = [1, 0, 1, 1, 0], conversions = [1, 0, 0, 1, 0];
        var labels = tasks.Length == 2 ? [clicks, conversions] : Labels(TaskKind.Binary, 5);
        CheckAllParameters(network, EmbeddingRows, labels);
    }

    [Test]
    public void EmbeddingEncoder_FmTerm_IsTheSumOfPairwiseProducts_AndDenseRowsMatchSparse()
    {
        var options = new SharedBottomOptions { BottomWidths = [4], Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 3 } };
        var network = MultiTaskNetwork.Create(12, Tasks(TaskKind.Binary), options, seed: 2, fields: EmbeddingFields);
        var encoder = network.Encoder!;
        Assert.That(encoder.Width, Is.EqualTo(4 * 3 + 3));
        var state = encoder.CreateState(5);
        var encoded = encoder.Forward(EmbeddingRows(), state).ToArray();
        var table = network.Parameters[0].Values.ToArray();
        var sparse = EmbeddingRows().Sparse;
        var dense = new float[5 * 12];
        for (int r = 0; r < 5; r++)
        {
            var fields = new double[4, 3];
            for (int p = sparse.RowStarts[r]; p < sparse.RowStarts[r + 1]; p++)
            {
                dense[r * 12 + sparse.Indices[p]] = sparse.Values[p];
                for (int d = 0; d < 3; d++)
                    fields[EmbeddingFields.FieldOfSlot[sparse.Indices[p]], d] += sparse.Values[p] * table[sparse.Indices[p] * 3 + d];
            }
            for (int d = 0; d < 3; d++)
            {
                double pairs = 0;
                for (int f = 0; f < 4; f++)
                {
                    Assert.That(encoded[r * 15 + f * 3 + d], Is.EqualTo(fields[f, d]).Within(1e-5), $"row {r} field {f}");
                    for (int g = f + 1; g < 4; g++)
                        pairs += fields[f, d] * fields[g, d];
                }
                Assert.That(encoded[r * 15 + 12 + d], Is.EqualTo(pairs).Within(1e-5), $"row {r} FM {d}");
            }
        }
        var fromDense = encoder.Forward(InputBatch.FromDense(dense, 5, 12), encoder.CreateState(5)).ToArray();
        Assert.That(fromDense, Is.EqualTo(encoded).Within(1e-6));
    }

    [TestCase(FeatureInteraction.FM, 0)]
    [TestCase(FeatureInteraction.Cross, 0)]
    [TestCase(FeatureInteraction.Cross, 3)]
    public void EmbeddingNetwork_SavedAndRead_PredictsBitForBit(FeatureInteraction interaction, int crossRank)
    {
        var options = new MmoeOptions
        {
            ExpertCount = 2, ExpertWidths = [5],
            Encoder = new EncoderOptions
            {
                Encoding = InputEncoding.Embedding, EmbeddingSize = 4, Interaction = interaction, CrossLayers = 3, CrossRank = crossRank,
                TableOptimizer = TableOptimizer.RowWiseAdagrad, AdagradLearningRate = 0.07f, BagPooling = BagPooling.Mean,
            },
        };
        var network = MultiTaskNetwork.Create(12, Tasks(TaskKind.Binary), options, seed: 9, fields: EmbeddingFields);
        using var stream = new MemoryStream();
        NetworkSerializer.Write(network, new BinaryWriter(stream));
        stream.Position = 0;
        var read = NetworkSerializer.Read(new BinaryReader(stream));
        Assert.That(read.Options.Encoder, Is.EqualTo(options.Encoder));
        Assert.That(read.Fields!.Fields, Is.EqualTo(EmbeddingFields.Fields));
        float[] before = new float[15], after = new float[15];
        network.Predict(EmbeddingRows(), before);
        read.Predict(EmbeddingRows(), after);
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public void MeanPooling_GivesABagTheMeanOfItsValuesRows_AndLeavesOtherFieldsSummed()
    {
        var options = new SharedBottomOptions { BottomWidths = [4], Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 3, Interaction = FeatureInteraction.None, BagPooling = BagPooling.Mean } };
        var network = MultiTaskNetwork.Create(12, Tasks(TaskKind.Binary), options, seed: 2, fields: EmbeddingFields);
        var encoder = network.Encoder!;
        var encoded = encoder.Forward(EmbeddingRows(), encoder.CreateState(5)).ToArray();
        var table = network.Parameters[0].Values.ToArray();
        for (int d = 0; d < 3; d++)
        {
            // Row 0: tags 9 and 11 (values 1, 1) → their mean; price 0.7 × its row, unchanged.
            Assert.That(encoded[3 * 3 + d], Is.EqualTo((table[9 * 3 + d] + table[11 * 3 + d]) / 2).Within(1e-6), "row 0's tags");
            Assert.That(encoded[2 * 3 + d], Is.EqualTo(0.7f * table[8 * 3 + d]).Within(1e-6), "row 0's price");
            // Row 3: the one tag 11 → its row.
            Assert.That(encoded[3 * 12 + 3 * 3 + d], Is.EqualTo(table[11 * 3 + d]).Within(1e-6), "row 3's tag");
        }
    }

    [Test]
    public void LowRankCross_HasTheFactorsOfItsRank()
    {
        var options = new SharedBottomOptions { BottomWidths = [4], Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 3, Interaction = FeatureInteraction.Cross, CrossLayers = 2, CrossRank = 5 } };
        var network = MultiTaskNetwork.Create(12, Tasks(TaskKind.Binary), options, seed: 2, fields: EmbeddingFields);
        var cross = network.Parameters.Where(p => p.Name.StartsWith("cross.", StringComparison.Ordinal) && p.Name.EndsWith(".weight", StringComparison.Ordinal))
            .Select(p => (p.Name, p.Rows, p.Columns)).ToArray();
        Assert.That(cross, Is.EqualTo(new[] { ("cross.0.down.weight", 12, 5), ("cross.1.down.weight", 12, 5), ("cross.0.up.weight", 5, 12), ("cross.1.up.weight", 5, 12) }));
    }

    [Test]
    public void NetworkOfFormat3_IsStillRead_AsTrainedThen()
    {
        var options = new SharedBottomOptions { BottomWidths = [4], Encoder = new EncoderOptions { Encoding = InputEncoding.Embedding, EmbeddingSize = 3, TableOptimizer = TableOptimizer.Training } };
        var network = MultiTaskNetwork.Create(12, Tasks(TaskKind.Binary), options, seed: 4, fields: EmbeddingFields);
        using var stream = new MemoryStream();
        NetworkSerializer.Write(network, new BinaryWriter(stream));
        // Format 3 is format 6 without the last four encoder values (cross rank, table optimizer, Adagrad rate, bag pooling) before the
        // field layout and without the flag after it that says whether a domain layout follows.
        var bytes = stream.ToArray();
        var layout = new MemoryStream();
        EmbeddingFields.Write(new BinaryWriter(layout));
        int layoutAt = IndexOf(bytes, layout.ToArray()), layoutEnd = layoutAt + (int)layout.Length;
        Assert.That(bytes[layoutEnd], Is.EqualTo(0), "no domain layout");
        var v3 = bytes[..(layoutAt - 16)].Concat(bytes[layoutAt..layoutEnd]).Concat(bytes[(layoutEnd + 1)..]).ToArray();
        BitConverter.GetBytes(3).CopyTo(v3, 0);
        var read = NetworkSerializer.Read(new BinaryReader(new MemoryStream(v3)));
        Assert.That(read.Options.Encoder, Is.EqualTo(options.Encoder));
        float[] before = new float[15], after = new float[15];
        network.Predict(EmbeddingRows(), before);
        read.Predict(EmbeddingRows(), after);
        Assert.That(after, Is.EqualTo(before));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                return i;
        throw new InvalidOperationException("not found");
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.MLNet;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;

namespace MlNetMtl.Tests.MLNet;

/// <summary>Scoring one row allocates nothing once warm: directly, and through a PredictionEngine that reuses its output.</summary>
[NonParallelizable]
public class SingleRowAllocationTests
{
    private const int Inputs = 64, Calls = 1_000;

    public sealed class Row
    {
        [VectorType(Inputs)] public float[] Features { get; set; } = [];
        public bool Click { get; set; }
        public float Watch { get; set; }
    }

    public sealed class Scores
    {
        [ColumnName("click.Score")] public float Click { get; set; }
        [ColumnName("click.Probability")] public float Probability { get; set; }
        [ColumnName("watch.Score")] public float Watch { get; set; }
    }

    private static double BytesPerCall(Action call)
    {
        for (int i = 0; i < 2_000; i++)
            call(); // warm: JIT tiers, pooled workspaces
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
            call();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
    }

    [TestCase("SharedBottom")]
    [TestCase("MMoE")]
    [TestCase("ESMM")]
    public void DirectPredict_OfOneRow_AllocatesNothing(string architecture)
    {
        TaskDefinition[] tasks = [new("click", TaskKind.Binary), new("buy", TaskKind.Binary)];
        NetworkOptions options = architecture switch
        {
            "MMoE" => new MmoeOptions { ExpertCount = 3, ExpertWidths = [16], TowerWidths = [8] },
            "ESMM" => new EsmmOptions { BottomWidths = [16], TowerWidths = [8] },
            _ => new SharedBottomOptions { BottomWidths = [32, 16], TowerWidths = [8] },
        };
        var network = MultiTaskNetwork.Create(Inputs, tasks, options, seed: 1);
        var row = Enumerable.Range(0, Inputs).Select(i => i / 64f).ToArray();
        var scores = new float[network.OutputWidth + network.AuxiliaryOutputs.Count];
        Assert.That(BytesPerCall(() => network.Predict(InputBatch.FromDense(row, 1, Inputs), scores)), Is.Zero);
        Assert.That(BytesPerCall(() => network.PredictWithAuxiliary(InputBatch.FromDense(row, 1, Inputs), scores)), Is.Zero);
    }

    [Test]
    public void PredictionEngine_ReusingItsOutput_AllocatesNothingInOurMapper()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(2);
        var rows = Enumerable.Range(0, 200).Select(r => new Row
        {
            Features = Enumerable.Range(0, Inputs).Select(_ => random.NextSingle()).ToArray(), Click = r % 2 == 0, Watch = r % 5,
        }).ToList();
        var model = ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = [new TaskColumn("click", nameof(Row.Click)), new TaskColumn("watch", nameof(Row.Watch), TaskKind.Regression)],
            Network = new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8] },
            Training = new() { Epochs = 1, ValidationFraction = 0 },
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        var engine = ml.Model.CreatePredictionEngine<Row, Scores>(model);
        var output = new Scores();
        var input = rows[3];
        Assert.That(BytesPerCall(() => engine.Predict(input, ref output)), Is.Zero);
        Assert.That(output.Probability, Is.EqualTo(1 / (1 + MathF.Exp(-output.Click))).Within(1e-6f));
    }
}

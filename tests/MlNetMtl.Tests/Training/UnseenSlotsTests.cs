using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.Training;

/// <summary>Input rows of values training never saw are zeroed, so a new id adds nothing rather than its random initial weights.</summary>
public class UnseenSlotsTests
{
    private const int Items = 300, Seen = 120;

    /// <summary>One-hot items, only the first <see cref="Seen"/> of which occur.</summary>
    private static MultiTaskDataset Rows()
    {
        var random = new Random(2);
        var items = Enumerable.Range(0, 2_000).Select(_ => random.Next(Seen)).ToArray();
        var starts = Enumerable.Range(0, items.Length + 1).ToArray();
        var labels = items.Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
        return new MultiTaskDataset(new SparseFeatures(starts, items, Enumerable.Repeat(1f, items.Length).ToArray(), Items), [new TaskDefinition("like", TaskKind.Binary)], [labels]);
    }

    private static float[][] InputRows(NetworkOptions network, bool forget)
    {
        var trained = new MultiTaskTrainer(network, new TrainerOptions { Epochs = 2, ForgetUnseenSlots = forget }).Fit(Rows()).Network;
        var weight = trained.InputLayerWeights.Single();
        return Enumerable.Range(0, Items).Select(r => weight.Values.Slice(r * weight.Columns, weight.Columns).ToArray()).ToArray();
    }

    [TestCase(InputEncoding.OneHot)]
    [TestCase(InputEncoding.Embedding)]
    public void RowsOfSlotsTrainingNeverSet_AreZero_AndOnlyThose(InputEncoding encoding)
    {
        var network = new SharedBottomOptions { BottomWidths = [8], Encoder = new EncoderOptions { Encoding = encoding, EmbeddingSize = 4 } };
        var rows = InputRows(network, forget: true);
        Assert.That(rows.Skip(Seen).All(r => r.All(v => v == 0)), Is.True, "never-seen items add nothing");
        Assert.That(rows.Take(Seen).All(r => r.Any(v => v != 0)), Is.True, "seen items keep their trained rows");
        Assert.That(InputRows(network, forget: false).Skip(Seen).All(r => r.Any(v => v != 0)), Is.True, "without the setting they keep their random start");
    }
}

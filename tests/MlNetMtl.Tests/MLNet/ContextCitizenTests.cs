using Microsoft.ML;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;

namespace MlNetMtl.Tests.MLNet;

/// <summary>The trainer as a citizen of its MLContext: the context's seed, its log and its cancellation.</summary>
public class ContextCitizenTests
{
    private static MultiTaskNetworkTrainerOptions Options(int epochs = 2, IProgress<EpochReport>? progress = null) => new()
    {
        Tasks = [Impressions.Click, Impressions.Watch], Progress = progress,
        Network = new SharedBottomOptions { BottomWidths = [8], TowerWidths = [4] },
        Training = new() { Epochs = epochs, EarlyStoppingPatience = 0, Threads = 1 },
    };

    private static float[] Weights(ITransformer model) =>
        MultiTaskTransformer.FindIn(model)!.Network.Parameters.SelectMany(p => p.Values.ToArray()).ToArray();

    private static ITransformer Fit(MLContext ml, MultiTaskNetworkTrainerOptions options) =>
        Impressions.Pipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(Impressions.Generate(600, 1)));

    [Test]
    public void TheContextsSeed_IsTheDefaultSeed()
    {
        var first = Weights(Fit(new MLContext(seed: 3), Options()));
        Assert.That(Weights(Fit(new MLContext(seed: 3), Options())), Is.EqualTo(first), "the same context seed gives the same model");
        Assert.That(Weights(Fit(new MLContext(seed: 4), Options())), Is.Not.EqualTo(first), "another context seed gives another model");
        var explicitSeed = Options();
        explicitSeed.Training = explicitSeed.Training with { Seed = 11 };
        Assert.That(Weights(Fit(new MLContext(seed: 4), explicitSeed)), Is.EqualTo(Weights(Fit(new MLContext(seed: 3), explicitSeed))), "an explicit seed wins over the context's");
    }

    [Test]
    public void EveryEpoch_IsLoggedToTheContext()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source.StartsWith(nameof(MultiTaskNetworkTrainer), StringComparison.Ordinal))
                lock (messages)
                    messages.Add(e.RawMessage);
        };
        Fit(ml, Options(epochs: 3));
        Assert.That(messages.Count(m => m.StartsWith("epoch ", StringComparison.Ordinal)), Is.EqualTo(3), string.Join("\n", messages));
        Assert.That(messages, Has.Some.Contains("epoch 2: training loss click").And.Some.StartsWith("Trained 3 epochs"));
    }

    [Test]
    public void CancellingTheContext_StopsTrainingBetweenMiniBatches()
    {
        var ml = new MLContext(seed: 1);
        int epochs = 0;
        var progress = new Inline(_ =>
        {
            epochs++;
            ml.MultiTask().CancelExecution();
            Thread.Sleep(300); // the trainer polls the context's state
        });
        Assert.That(() => Fit(ml, Options(epochs: 50, progress)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(epochs, Is.LessThan(4));
    }

    [Test]
    public void ATokenCancelled_StopsTrainingBetweenMiniBatches()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(Impressions.Generate(2000, 3));
        var featurized = ml.Transforms.Concatenate("Features", nameof(Impression.Age), nameof(Impression.Income)).Fit(rows).Transform(rows);
        using var cancel = new CancellationTokenSource();
        int epochs = 0;
        var trainer = ml.MultiTask().Network(Options(epochs: 50, new Inline(_ => { epochs++; cancel.Cancel(); })));
        Assert.That(() => trainer.Fit(ml.Data.Cache(featurized), null, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(epochs, Is.EqualTo(1));
    }

    [Test]
    public void APollQueuedAsTheWatchIsDisposed_NeverCancelsADisposedSource()
    {
        // The CI once lost its test host to this: a poll the timer had already queued ran after Dispose and cancelled a
        // disposed source on a thread-pool thread. Many short-lived watches on a cancelled context give it every chance.
        var ml = new MLContext(seed: 1);
        ml.MultiTask().CancelExecution();
        for (int i = 0; i < 2000; i++)
        {
            var watch = new ContextCancellation(ml, CancellationToken.None);
            Assert.That(watch.Token.IsCancellationRequested, Is.True);
            watch.Dispose();
        }
        Thread.Sleep(300); // polls still queued run now; an exception on one of them would end the test process
    }

    private sealed class Inline(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}

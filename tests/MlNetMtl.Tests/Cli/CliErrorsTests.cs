using MlNetMtl.Cli;

namespace MlNetMtl.Tests.Cli;

/// <summary>The one line a user reads is the cause, not a wrapper.</summary>
public class CliErrorsTests
{
    [Test]
    public void AWrapperWithoutTheCause_GivesWayToTheCause()
    {
        var wrapped = new InvalidOperationException("Event we were waiting on was subject to an exception",
            new AggregateException(new InvalidOperationException("Splitter/consolidator worker encountered exception while consuming source data",
                new InvalidDataException("'a.csv', line 2, column 'income': '<=50K' is not a number"))));
        var (message, expected) = CliErrors.Describe(wrapped);
        Assert.That(message, Is.EqualTo("'a.csv', line 2, column 'income': '<=50K' is not a number"));
        Assert.That(expected, Is.True);
    }

    [Test]
    public void AWrapperThatRepeatsTheCauseWithContext_IsKept()
    {
        var inner = new InvalidDataException("The network's weights fail their checksum.");
        var (message, _) = CliErrors.Describe(new InvalidDataException($"'m.zip' is not a readable model: {inner.Message}", inner));
        Assert.That(message, Is.EqualTo("'m.zip' is not a readable model: The network's weights fail their checksum."));
    }

    [Test]
    public void DotNetsParameterAndValueTails_AreDropped_AndLinesJoined()
    {
        var (message, _) = CliErrors.Describe(new ArgumentOutOfRangeException("Count", 1000, "Count must be between 1 and 256."));
        Assert.That(message, Is.EqualTo("Count must be between 1 and 256."));
        (message, _) = CliErrors.Describe(new ArgumentException("first line\nsecond line", "options"));
        Assert.That(message, Is.EqualTo("first line second line"));
    }

    [Test]
    public void ASettingsCheck_NamesTheFlagTheUserTyped()
    {
        var (message, _) = CliErrors.Describe(new ArgumentOutOfRangeException("Threads", 1000, "Threads must be between 1 and 256."));
        Assert.That(message, Is.EqualTo("Threads must be between 1 and 256. (--threads)"));
        (message, _) = CliErrors.Describe(new ArgumentOutOfRangeException("EmbeddingSize", 0, "EmbeddingSize must be in [1, 1024]."));
        Assert.That(message, Is.EqualTo("EmbeddingSize must be in [1, 1024]. (--embedding-size)"));
    }

    [Test]
    public void ADefectOfOurs_IsCalledOne()
    {
        var (message, expected) = CliErrors.Describe(new NullReferenceException("Object reference not set to an instance of an object."));
        Assert.That(expected, Is.False);
        Assert.That(message, Does.StartWith("internal error (NullReferenceException)").And.Contain("--verbosity detailed"));
    }

    [Test]
    public void ACancellation_IsRecognisedHoweverWrapped() =>
        Assert.That(CliErrors.IsCancellation(new InvalidOperationException("wrapper", new OperationCanceledException())), Is.True);
}

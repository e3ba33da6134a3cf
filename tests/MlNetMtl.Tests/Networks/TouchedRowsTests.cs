using MlNetMtl.Networks;

namespace MlNetMtl.Tests.Networks;

/// <summary>
/// The touched rows of a row-sparse gradient: first-touch order, who touched each row first, and where its gradient is
/// (the parameter's own, or a replica's) — what a parallel step sums into and the optimizer reads.
/// </summary>
public class TouchedRowsTests
{
    [Test]
    public void RowsKeepFirstTouchOrder_TheirFirstToucher_AndTheirSource()
    {
        var touched = new TouchedRows(10);
        float[] replica1 = new float[10], replica3 = new float[10];
        Assert.That(touched.Mark(7), Is.True);
        Assert.That(touched.Mark(2), Is.True);
        Assert.That(touched.Mark(7), Is.False, "marked twice");
        Assert.That(touched.Mark(4, 1, replica1), Is.True);
        Assert.That(touched.Mark(2, 3, replica3), Is.False, "the own pass touched it first");
        Assert.That(touched.Mark(9, 3, replica3), Is.True);
        Assert.That(touched.Mark(4, 3, replica3), Is.False, "replica 1 touched it first");

        Assert.That(touched.Rows.ToArray(), Is.EqualTo(new[] { 7, 2, 4, 9 }));
        Assert.That(new[] { 7, 2, 4, 9 }.Select(touched.FirstMarkedBy), Is.EqualTo(new[] { 0, 0, 1, 3 }));
        Assert.That(Enumerable.Range(0, 4).Select(touched.SourceAt), Is.EqualTo(new[] { null, null, replica1, replica3 }));
        Assert.That(touched.Contains(4) && !touched.Contains(5));

        touched.MadeOwn(2);
        Assert.That(touched.SourceAt(2), Is.Null);
    }

    [Test]
    public void Clear_ForgetsRowsAndSources_AcrossGrowth()
    {
        var touched = new TouchedRows(1_000);
        var replica = new float[1];
        for (int row = 0; row < 200; row++) // past the first capacity of 64
            touched.Mark(row, 2, replica);
        Assert.That(touched.Count, Is.EqualTo(200));
        Assert.That(touched.SourceAt(199), Is.SameAs(replica));

        touched.Clear();
        Assert.That(touched.Count, Is.Zero);
        Assert.That(touched.Contains(5), Is.False);
        Assert.That(touched.Mark(5), Is.True);
        Assert.That(touched.FirstMarkedBy(5), Is.Zero);
        Assert.That(touched.SourceAt(0), Is.Null, "a source of the last step is not left at a reused position");
    }

    [Test]
    public void ReplicasBeyondTheTypeRange_AreRefused()
    {
        var touched = new TouchedRows(2);
        Assert.Throws<OverflowException>(() => touched.Mark(0, ushort.MaxValue, new float[2]));
    }
}

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// A column that turns a benchmark's mean time into a rate: work units per operation (from the case's
/// parameters) divided by the mean time, e.g. GFLOP/s for GEMM or samples/s for training.
/// </summary>
public sealed class ThroughputColumn(string name, Func<BenchmarkCase, double> unitsPerOperation, double scale, string format) : IColumn
{
    public string Id => nameof(ThroughputColumn) + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => $"{name}: work per operation divided by the mean time";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } statistics)
            return "NA";
        double seconds = statistics.Mean / 1e9;
        return (unitsPerOperation(benchmarkCase) / seconds / scale).ToString(format, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The value of a benchmark parameter of the case.</summary>
    public static T Parameter<T>(BenchmarkCase benchmarkCase, string parameter) => (T)benchmarkCase.Parameters[parameter];
}

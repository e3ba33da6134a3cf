using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data.Synthetic;

namespace MlNetMtl.Tests.Datasets;

/// <summary>A generated multi-domain impression as an ML.NET row (domain, features, click, like), for the tests of scenario-aware models.</summary>
internal sealed class DomainImpressionRow
{
    public string Domain { get; set; } = "";
    [VectorType(MultiDomainGenerator.FeatureCount)]
    public float[] X { get; set; } = [];
    public bool Click { get; set; }
    public bool Like { get; set; }

    /// <summary>The impressions as a data view.</summary>
    public static IDataView Load(MLContext ml, IEnumerable<DomainImpression> rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(i => new DomainImpressionRow { Domain = i.Domain, X = i.Features, Click = i.Click, Like = i.Like }));
}

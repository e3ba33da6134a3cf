using MlNetMtl.Data;
using MlNetMtl.Data.Synthetic;
using MlNetMtl.Experiments;
using MlNetMtl.Networks;

namespace MlNetMtl.Tests.Experiments;

public class CorrelationStudyTests
{
    [Test]
    public void SharedBottom_IsParameterMatchedToMmoe()
    {
        var tasks = SyntheticTaskGenerator.TaskNames.Select(n => new TaskDefinition(n, TaskKind.Regression)).ToArray();
        int mmoe = MultiTaskNetwork.Create(100, tasks, CorrelationStudy.Mmoe).Parameters.Sum(p => p.Rows * p.Columns);
        int sharedBottom = MultiTaskNetwork.Create(100, tasks, CorrelationStudy.ParameterMatchedSharedBottom(100)).Parameters.Sum(p => p.Rows * p.Columns);
        Assert.That(Math.Abs(mmoe - sharedBottom), Is.LessThan(0.02 * mmoe), $"MMoE {mmoe}, shared-bottom {sharedBottom}");
    }

    [Test]
    public void AtLowTaskCorrelation_MmoeBeatsParameterMatchedSharedBottom()
    {
        var options = new CorrelationStudy.Options { Correlations = [0.5], Seeds = 3 };
        var results = CorrelationStudy.Run(options);
        foreach (var result in results)
            TestContext.Out.WriteLine(result);
        Assert.That(results.Single(r => r.Model == "MMoE").MeanLoss, Is.LessThan(results.Single(r => r.Model == "Shared-bottom").MeanLoss));
    }
}

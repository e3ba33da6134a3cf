using Microsoft.ML;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.Cli;

/// <summary><c>mlnet-mtl experiment --domain-col</c>: STAR is searched, the test rows are scored per domain beside the best settings ignoring the domain and trained per domain, and the generated training code trains a domain-aware model too.</summary>
[NonParallelizable]
public class ExperimentDomainTests : TemporaryFolderTests
{
    [Test]
    public void AnExperimentWithADomainColumn_SearchesStar_ReportsEachDomainAgainstTheAlternatives_AndItsCodeTrainsOnTheDomains()
    {
        string data = Path.Combine(Folder, "d.csv"), output = Path.Combine(Folder, "out");
        var generated = CliProcess.Run("generate", "--generator", "MultiDomain", "--rows", "4000", "-o", data);
        Assert.That(generated.Exit, Is.EqualTo(0), generated.Output);
        var (exit, text) = CliProcess.Run("experiment", "-d", data, "--task", "click:click:binary", "--task", "like:like:binary", "--domain-col", "domain",
            "--train-time", "20", "--max-epochs", "2", "--bottom", "32", "--tower", "8", "--baselines", "false", "-o", output);
        Assert.That(exit, Is.EqualTo(0), text);
        Assert.That(text, Does.Contain("over SharedBottom, MMoE, PLE, PEPNet, STAR ×"), "STAR is a candidate with a domain column");
        Assert.That(text, Does.Contain("Per domain: each domain's rows scored alone").And.Contain("d0 ("), "the best trial is scored per domain");
        Assert.That(text, Does.Contain("'s settings, SharedBottom ignoring domain").Or.Contain("'s settings, MMoE ignoring domain").Or.Contain("'s settings, PLE ignoring domain"),
            "beside it, its settings ignoring the domain");
        Assert.That(text, Does.Contain("Separate models per domain: own models for d0;"), "and trained per domain, the largest domain alone");
        Assert.That(text, Does.Contain(" per domain "), "whose scores are in the table");

        var assembly = GeneratedCode.Compile(Path.Combine(output, "Model.consumption.cs"), Path.Combine(output, "Model.training.cs"));
        string retrained = Path.Combine(Folder, "retrained.zip");
        assembly.GetType("MlNetMtl.Generated.ModelTraining")!.GetMethod("Train")!.Invoke(null, [data, retrained, 1]);
        var ml = new MLContext();
        var network = MultiTaskTransformer.FindIn(ml.MultiTask().LoadModel(retrained, out _))!.Network;
        Assert.That(network.Domains?.Names, Is.EquivalentTo(new[] { "d0", "d1", "d2", "d3", "d4" }), "the generated code conditions the network on the domain column");
    }
}

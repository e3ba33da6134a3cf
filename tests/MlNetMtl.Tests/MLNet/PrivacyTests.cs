using Microsoft.ML;
using MlNetMtl.MLNet;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Training;
using MlNetMtl.Training.Privacy;

namespace MlNetMtl.Tests.MLNet;

/// <summary>DP-SGD through the ML.NET estimator: the user column, the guarantee on the transformer and in the saved model, and the audit.</summary>
public class PrivacyTests : TemporaryFolderTests
{
    private static MultiTaskNetworkTrainerOptions Options(PrivacyOptions privacy) => new()
    {
        Tasks = [Impressions.Click, Impressions.Watch],
        Network = new SharedBottomOptions { BottomWidths = [32], TowerWidths = [16] },
        Training = new TrainerOptions { Epochs = 8, LearningRate = 3e-3f, BatchSize = 64, Privacy = privacy },
    };

    [Test]
    public void UserLevelModel_CarriesItsGuarantee_ThroughSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(2_000, seed: 1));
        var model = Impressions.Pipeline(ml, Options(new PrivacyOptions { Epsilon = 4, Unit = "user:User" })).Fit(data);
        var privacy = MultiTaskTransformer.FindIn(model)!.Privacy!;
        Assert.That(privacy.Unit, Is.EqualTo("user:User"));
        Assert.That(privacy.Units, Is.EqualTo(40), "the generator's 40 users all have training rows");
        Assert.That(privacy.Epsilon, Is.LessThanOrEqualTo(4).And.GreaterThan(3.5));

        string path = Path.Combine(Folder, "dp.zip");
        ml.MultiTask().SaveModel(model, data.Schema, path);
        var loaded = MultiTaskTransformer.FindIn(new MLContext().MultiTask().LoadModel(path, out _))!;
        Assert.That(loaded.Privacy, Is.EqualTo(privacy));
    }

    [Test]
    public void UserColumnThatIsMissing_IsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Impressions.Generate(300, seed: 1));
        Assert.That(() => Impressions.Pipeline(ml, Options(new PrivacyOptions { Epsilon = 4, Unit = "user:Customer" })).Fit(data),
            Throws.ArgumentException.With.Message.Contains("The user column 'Customer' of user-level privacy"));
    }

    [Test]
    public void Audit_OfAModelThatMemorises_ProvesMoreThanOfADpModel()
    {
        var ml = new MLContext(seed: 2);
        // Few rows, many epochs, a wide network and noisy labels: the plain model memorises its training rows.
        var rows = Impressions.Generate(1_200, seed: 3);
        var random = new Random(4);
        foreach (var row in rows)
            row.Click = random.NextDouble() < 0.5;
        var train = ml.Data.LoadFromEnumerable(rows.Take(600));
        var heldOut = ml.Data.LoadFromEnumerable(rows.Skip(600));
        MultiTaskNetworkTrainerOptions Memorising(PrivacyOptions privacy) => new()
        {
            Tasks = [Impressions.Click, Impressions.Watch],
            Network = new SharedBottomOptions { BottomWidths = [128, 64], TowerWidths = [32] },
            Training = new TrainerOptions { Epochs = 200, LearningRate = 3e-3f, BatchSize = 64, ValidationFraction = 0, Privacy = privacy },
        };
        var plain = ml.MultiTask().PrivacyAudit(Impressions.Pipeline(ml, Memorising(new PrivacyOptions())).Fit(train), train, heldOut);
        var dp = ml.MultiTask().PrivacyAudit(Impressions.Pipeline(ml, Memorising(new PrivacyOptions { Epsilon = 1 })).Fit(train), train, heldOut);
        TestContext.Out.WriteLine($"plain: attack AUC {plain.AttackAuc:F3}, ε ≥ {plain.EmpiricalEpsilon:F2}; DP (ε = {dp.TrainedEpsilon:F2}): AUC {dp.AttackAuc:F3}, ε ≥ {dp.EmpiricalEpsilon:F2}");
        Assert.That(plain.TrainedEpsilon, Is.Null);
        Assert.That(plain.AttackAuc, Is.GreaterThan(0.6), "the plain model tells its training rows apart");
        Assert.That(plain.EmpiricalEpsilon, Is.GreaterThan(0.2));
        Assert.That(dp.AttackAuc, Is.LessThan(0.56));
        Assert.That(dp.EmpiricalEpsilon, Is.LessThanOrEqualTo(dp.TrainedEpsilon!.Value));
        Assert.That((dp.Members, dp.NonMembers), Is.EqualTo((600, 600)));
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Datasets;

namespace MlNetMtl.Tests.Datasets;

public class LoaderTests
{
    private readonly MLContext _ml = new(seed: 1);

    private static double Rate(IDataView data, string column) => data.GetColumn<bool>(column).Average(b => b ? 1.0 : 0.0);

    [TestCase("adult.data", 32_561, 0.2408, 0.3281)]
    [TestCase("adult.test", 16_281, 0.2362, 0.3338)]
    public void Adult_LoadsEveryRowWithTheDocumentedLabelRates(string file, int rows, double income, double neverMarried)
    {
        var data = AdultDataset.Load(_ml, SharedData.File("adult", file));
        Assert.That(data.Data.GetColumn<float>("age").Count(), Is.EqualTo(rows));
        Assert.That(Rate(data.Data, AdultDataset.Income.LabelColumnName), Is.EqualTo(income).Within(5e-5));
        Assert.That(Rate(data.Data, AdultDataset.NeverMarried.LabelColumnName), Is.EqualTo(neverMarried).Within(5e-5));
    }

    [Test]
    public void Adult_FeaturesNeverContainTheMaritalStatusLabel()
    {
        var data = AdultDataset.Load(_ml, SharedData.File("adult", "adult.test"));
        var featurized = data.Featurizer.Fit(data.Data).Transform(data.Data);
        Assert.That(featurized.Schema.Select(c => c.Name), Does.Not.Contain("OneHot.marital_status").And.Contain("OneHot.workclass"));
        Assert.That(((VectorDataViewType)featurized.Schema[LoadedDataset.FeatureColumnName].Type).Size, Is.GreaterThan(50));
    }

    [Test]
    public void CensusKdd_SampleWithRowId_LoadsWithLabelsAndWithoutLeakingColumns()
    {
        var data = CensusKddDataset.Load(_ml, SharedData.File("census-income-kdd-sample", "census-income.sample"));
        Assert.That(data.Data.GetColumn<float>("age").Count(), Is.EqualTo(200));
        Assert.That(data.Data.GetColumn<float>("age").First(), Is.EqualTo(62f), "the row id is skipped: age is the second field");
        Assert.That(Rate(data.Data, CensusKddDataset.Income.LabelColumnName), Is.InRange(0.02, 0.12));
        Assert.That(Rate(data.Data, CensusKddDataset.NeverMarried.LabelColumnName), Is.InRange(0.33, 0.53));
        Assert.That(data.WeightColumnName, Is.EqualTo("instance_weight"));
        var featurized = data.Featurizer.Fit(data.Data).Transform(data.Data);
        var names = featurized.Schema.Select(c => c.Name).ToArray();
        Assert.That(names, Does.Not.Contain("OneHot.marital_stat").And.Not.Contain("OneHot.income_50k").And.Contain("OneHot.education"));
        var numericSlots = ((VectorDataViewType)featurized.Schema["Numeric"].Type).Size;
        Assert.That(numericSlots, Is.EqualTo(7), "seven numeric features; instance_weight is not one");
    }

    [Test]
    public void CensusKdd_OfficialFormatWithoutRowId_Loads()
    {
        string sample = SharedData.File("census-income-kdd-sample", "census-income.sample");
        string official = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(official, File.ReadLines(sample).Select(line => line[(line.IndexOf(',') + 1)..]));
            var data = CensusKddDataset.Load(_ml, official);
            Assert.That(data.Data.GetColumn<float>("age").First(), Is.EqualTo(62f));
            Assert.That(Rate(data.Data, CensusKddDataset.NeverMarried.LabelColumnName), Is.InRange(0.33, 0.53));
        }
        finally
        {
            File.Delete(official);
        }
    }

    [Test]
    public void Loaders_RejectFilesOfAnotherShape()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "1,2,3\n");
            Assert.That(() => AdultDataset.Load(_ml, path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not 15"));
            Assert.That(() => CensusKddDataset.Load(_ml, path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not 42"));
            Assert.That(() => AdultDataset.Load(_ml, path + ".missing"), Throws.InstanceOf<FileNotFoundException>());
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Datasets;
using MlNetMtl.MLNet;

namespace MlNetMtl.Tests.Datasets;

public class ColumnInferenceTests : TemporaryFolderTests
{
    /// <summary>A hand-made file with one column of each kind (300 rows; quoted commas in the review text).</summary>
    private string HandMade()
    {
        var random = new Random(1);
        var lines = new List<string> { "user_id,age,income,city,member,review,sku,clicked,spend,note" };
        string[] cities = ["Paris", "Lyon", "Oslo", "Rome"];
        string[] words = ["great", "value", "slow", "delivery", "would", "buy", "again", "poor", "fit"];
        for (int r = 0; r < 300; r++)
        {
            string review = string.Join(' ', Enumerable.Range(0, 4 + random.Next(6)).Select(_ => words[random.Next(words.Length)]));
            lines.Add(string.Join(',', 1000 + r % 250, 18 + random.Next(60), r % 7 == 0 ? "?" : (random.NextDouble() * 9e4).ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
                cities[random.Next(4)], random.Next(2) == 0 ? "yes" : "no", $"\"{review}, really\"", $"SKU-{random.Next(5_000)}",
                random.Next(2), (random.NextDouble() * 50).ToString("F1", System.Globalization.CultureInfo.InvariantCulture), ""));
        }
        string path = Path.Combine(Folder, "shop.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public void EachColumnGetsTheExpectedRole()
    {
        var schema = ColumnInference.Infer(HandMade(), ["clicked", "spend"]);
        var roles = schema.Columns.ToDictionary(c => c.Name, c => c.Role);
        Assert.That(roles, Is.EqualTo(new Dictionary<string, ColumnRole>
        {
            ["user_id"] = ColumnRole.Id, ["age"] = ColumnRole.Numeric, ["income"] = ColumnRole.Numeric, ["city"] = ColumnRole.Categorical,
            ["member"] = ColumnRole.Boolean, ["review"] = ColumnRole.Text, ["sku"] = ColumnRole.Id, ["clicked"] = ColumnRole.Label,
            ["spend"] = ColumnRole.Label, ["note"] = ColumnRole.Ignore,
        }));
        Assert.That(schema.Separator, Is.EqualTo(','));
        Assert.That(schema.Columns.Single(c => c.Name == "city").Reason, Does.Contain("4 distinct"));
        Assert.That(schema.Columns.Single(c => c.Name == "income").NumericValues, "'?' counts as missing, not as text");
    }

    [Test]
    public void ListsOfValues_AreMultiValued_ProseWithCommasIsNot_AndEachBecomesOneBagField()
    {
        var random = new Random(3);
        string[] genres = ["Action", "Comedy", "Drama", "Science Fiction", "Horror", "Romance"];
        string[] words = ["the", "plot", "moves", "slowly", "but", "ends", "well", "with", "a", "twist", "cast", "shines"];
        var lines = new List<string> { "movie_id,genres,tags,comment,liked" };
        var genreLists = new List<string[]>();
        for (int r = 0; r < 400; r++)
        {
            var mine = genres.Where(_ => random.NextDouble() < 0.3).DefaultIfEmpty(genres[r % genres.Length]).ToArray();
            genreLists.Add(mine);
            string tags = string.Join(',', Enumerable.Range(0, 1 + random.Next(3)).Select(_ => random.Next(40)).Distinct());
            string comment = string.Join(' ', Enumerable.Range(0, 3 + random.Next(4)).Select(_ => words[random.Next(words.Length)])) + ", " +
                string.Join(' ', Enumerable.Range(0, 3 + random.Next(4)).Select(_ => words[random.Next(words.Length)]));
            lines.Add($"m{r},{string.Join('|', mine)},\"{tags}\",\"{comment}\",{random.Next(2)}");
        }
        string path = Path.Combine(Folder, "movies.csv");
        File.WriteAllLines(path, lines);

        var schema = ColumnInference.Infer(path, ["liked"]);
        var roles = schema.Columns.ToDictionary(c => c.Name, c => c.Role);
        Assert.That(roles["genres"], Is.EqualTo(ColumnRole.MultiValued), schema.Columns.Single(c => c.Name == "genres").Reason);
        Assert.That(roles["tags"], Is.EqualTo(ColumnRole.MultiValued), "a quoted comma-separated list");
        Assert.That(roles["comment"], Is.EqualTo(ColumnRole.Text), "prose with a comma is not a list");
        Assert.That(schema.Columns.Single(c => c.Name == "genres").Reason, Does.Contain("6 distinct values"));

        var ml = new MLContext(seed: 1);
        var data = CsvDataset.Load(ml, schema, [new TaskColumn("liked", "liked")]);
        Assert.That(data.Features.Bags, Is.EqualTo(new[] { "genres", "tags" }));
        var featurized = data.Featurizer.Fit(data.Data).Transform(data.Data);
        var bags = featurized.GetColumn<float[]>("Bag.genres").ToArray();
        Assert.That(bags[0], Has.Length.EqualTo(genres.Length), "one slot per genre seen");
        for (int r = 0; r < bags.Length; r++)
            Assert.That(bags[r].Sum(), Is.EqualTo(genreLists[r].Length), $"row {r}: {string.Join('|', genreLists[r])}");
        var layout = MlNetMtl.MLNet.FieldLayouts.FromSchema(featurized.Schema, LoadedDataset.FeatureColumnName, MlNetMtl.Networks.Encoders.InputEncoding.Embedding)!;
        Assert.That(layout.Fields.Where(f => f.Name == "Bag.genres").Select(f => f.Kind), Is.EqualTo(new[] { MlNetMtl.Networks.Encoders.FieldKind.Bag }),
            "the genres are one bag field, whose embedding pools its values");
    }

    [Test]
    public void TheFeaturizationFollowsTheRoles_AndAnOverrideChangesIt()
    {
        var ml = new MLContext(seed: 1);
        string path = HandMade();
        TaskColumn[] tasks = [new("clicked", "clicked"), new("spend", "spend", MlNetMtl.Data.TaskKind.Regression)];
        var inferred = CsvDataset.Load(ml, path, tasks);
        Assert.That(inferred.Features.Categorical, Is.EqualTo(new[] { "city" }));
        Assert.That(inferred.Features.Ids, Is.EqualTo(new[] { "user_id", "sku" }));
        Assert.That(inferred.Features.Text, Is.EqualTo(new[] { "review" }));
        Assert.That(inferred.Features.Flags, Is.EqualTo(new[] { "member" }));
        var featurized = inferred.Featurizer.Fit(inferred.Data).Transform(inferred.Data);
        Assert.That(featurized.Schema.Select(c => c.Name), Does.Contain("Sentence.review").And.Contain("Id.user_id").And.Contain("Id.sku").And.Contain("OneHot.city").And.Contain("Flag.member"));

        var overridden = CsvDataset.Load(ml, path, tasks, roles: new Dictionary<string, ColumnRole> { ["sku"] = ColumnRole.Categorical, ["review"] = ColumnRole.Ignore });
        Assert.That(overridden.Features.Categorical, Is.EqualTo(new[] { "sku", "city" }.Order()).Or.EqualTo(new[] { "city", "sku" }));
        Assert.That(overridden.Features.Text, Is.Empty);
        var refeaturized = overridden.Featurizer.Fit(overridden.Data).Transform(overridden.Data);
        Assert.That(refeaturized.Schema.Select(c => c.Name), Does.Contain("OneHot.sku").And.Not.Contain("Sentence.review"));
    }

    [Test]
    public void BadFiles_AreReportedClearly()
    {
        string empty = Path.Combine(Folder, "empty.csv");
        File.WriteAllText(empty, "");
        Assert.That(() => ColumnInference.Infer(empty, []), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("empty"));
        string headerOnly = Path.Combine(Folder, "header.csv");
        File.WriteAllText(headerOnly, "a,b\n");
        Assert.That(() => ColumnInference.Infer(headerOnly, []), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("no data rows"));
        Assert.That(() => ColumnInference.Infer(HandMade(), ["nope"]), Throws.ArgumentException.With.Message.Contains("'nope' is not in the header"));
        Assert.That(() => ColumnInference.Infer(Path.Combine(Folder, "missing.csv"), []), Throws.InstanceOf<FileNotFoundException>());
    }
}

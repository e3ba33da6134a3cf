using System.Globalization;
using System.IO.Compression;

namespace MlNetMtl.Tests.Cli;

/// <summary>
/// The files of the bad-input catalogue, written once into a temporary folder: small, generated, each with the one
/// defect its case is about (or none), and models trained on them by the real CLI.
/// </summary>
internal static class CatalogueFiles
{
    /// <summary>
    /// Six small pictures in <c>covers/</c> (liked when the disc is red) and impressions of them: <c>covers.csv</c>;
    /// <c>covers-missing.csv</c>, whose line 9 names a picture that is not there; <c>covers-notimage.csv</c>, whose line 5
    /// names a text file with an image's ending.
    /// </summary>
    private static void WriteCovers(string folder)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "covers"));
        for (int p = 0; p < 6; p++)
            MLNet.Images.TestImages.Write(System.IO.Path.Combine(folder, "covers", $"{p}.png"), 48 + 16 * p, 64, SkiaSharp.SKColors.White, p % 2 == 0 ? SkiaSharp.SKColors.Red : SkiaSharp.SKColors.Blue);
        File.WriteAllText(System.IO.Path.Combine(folder, "covers", "notes.png"), "not pixels");
        var covers = Enumerable.Range(0, 60).Select(r => $"covers/{r % 6}.png,{r % 24},{(r % 6 % 2 == 0 ? 1 : 0)}").Prepend("cover,hour,liked").ToArray();
        File.WriteAllLines(System.IO.Path.Combine(folder, "covers.csv"), covers);
        File.WriteAllLines(System.IO.Path.Combine(folder, "covers-missing.csv"), covers.Select((l, i) => i == 8 ? "covers/lost.png,3,1" : l));
        File.WriteAllLines(System.IO.Path.Combine(folder, "covers-notimage.csv"), covers.Select((l, i) => i == 4 ? "covers/notes.png,3,1" : l));
    }

    /// <summary>Writes every file into <paramref name="folder"/>.</summary>
    public static void Write(string folder)
    {
        string Path(string name) => System.IO.Path.Combine(folder, name);
        var clicks = Clicks(600, seed: 1);
        File.WriteAllLines(Path("clicks.csv"), clicks);
        File.WriteAllLines(Path("clicks-negatives.csv"), clicks.Select((l, i) => i == 0 ? l : ReplaceCell(l, 4, "0")));
        File.WriteAllLines(Path("clicks-badlabel.csv"), clicks.Select((l, i) => i == 7 ? ReplaceCell(l, 4, "maybe") : l));
        File.WriteAllLines(Path("clicks-badnumber.csv"), clicks.Select((l, i) => i == 4 ? ReplaceCell(l, 2, "old") : l));
        File.WriteAllLines(Path("clicks-gaps.csv"), clicks.Select((l, i) => i is 9 or 20 ? ReplaceCell(l, 4, "") : l));
        File.WriteAllLines(Path("clicks-twos.csv"), clicks.Select((l, i) => i == 12 ? ReplaceCell(l, 4, "2") : l));
        File.WriteAllLines(Path("clicks-textwatch.csv"), clicks.Select((l, i) => i == 15 ? ReplaceCell(l, 5, "long") : l));
        File.WriteAllLines(Path("clicks-noage.csv"), clicks.Select(l => DropCell(l, 2)));
        File.WriteAllLines(Path("clicks-nolabel.csv"), clicks.Select(l => DropCell(l, 4)));
        File.WriteAllLines(Path("clicks-newcategory.csv"), clicks.Select((l, i) => i % 3 == 1 ? ReplaceCell(l, 1, "c9") : l)); // a third of the rows in a category no training row has
        File.WriteAllLines(Path("clicks-nolabels.csv"), clicks.Select((l, i) => i == 0 ? l : ReplaceCell(l, 4, "?")));
        File.WriteAllLines(Path("adult.csv"), Adult(400));
        File.WriteAllLines(Path("mine.test.csv"), ["a file of the user's that only happens to sit where a cold-start test file would go"]);
        WriteCovers(folder);
        File.WriteAllLines(Path("colors.csv"), Colors(600, seed: 2));
        File.WriteAllLines(Path("colors-purple.csv"), Colors(100, seed: 3).Select((l, i) => i == 6 ? ReplaceCell(l, 2, "purple") : l));
        File.WriteAllLines(Path("onecolor.csv"), Colors(100, seed: 4).Select((l, i) => i == 0 ? l : ReplaceCell(l, 2, "red")));
        File.WriteAllLines(Path("late.csv"), new[] { "amount,label" }.Concat(Enumerable.Range(0, 6_000).Select(r => $"{r % 150},{r % 2}")).Append("unknown,1"));
        File.WriteAllLines(Path("ratio.csv"), new[] { "ratio,label" }.Concat(Enumerable.Range(0, 40).Select(r =>
            $"{(r switch { 3 => "inf", 9 => "-Infinity", 17 => "1e39", _ => (r * 0.5).ToString(CultureInfo.InvariantCulture) })},{r % 2}")));
        File.WriteAllLines(Path("quoted.csv"), new[] { "fnlwgt,label" }.Concat(Enumerable.Range(0, 70).Select(r => $"\" {77516 + r % 7}\",{r % 2}")));
        File.WriteAllLines(Path("multiline.csv"), clicks.Select((l, i) => l + (i == 0 ? ",note" : $",\"seen on\nthe app, {i}\"")));
        File.WriteAllText(Path("ragged.csv"), "a,b,label\n1,2,0\n3,4,5,1\n");
        File.WriteAllText(Path("unterminated.csv"), "a,b,label\n1,2,0\n3,\"open,1\n5,6,1\n");
        File.WriteAllText(Path("empty.csv"), "");
        File.WriteAllText(Path("header.csv"), "a,b,label\n");
        File.WriteAllText(Path("notamodel.zip"), "this is not a model");
        File.WriteAllText(Path("stale.checkpoint"), "a file of the user's where a checkpoint would go");
        File.WriteAllText(Path("tiny.zip"), "a dozen byte");
        File.WriteAllText(Path("afile"), "a plain file");
        Directory.CreateDirectory(Path("userdir"));
        File.WriteAllText(Path("userdir/notes.txt"), "the user's own notes");
        File.WriteAllLines(Path("userdir/clicks.csv"), clicks);
        File.WriteAllLines(Path("userdir/trials.csv"), clicks); // a user's data file that happens to bear an output's name
        Directory.CreateDirectory(Path("afolder.csv"));
        Directory.CreateDirectory(Path("shards"));
        File.WriteAllLines(Path("shards/part-1.csv"), clicks.Take(301));
        File.WriteAllLines(Path("shards/part-2.csv"), clicks.Take(1).Concat(clicks.Skip(301)));
        Directory.CreateDirectory(Path("shards-differ"));
        File.WriteAllLines(Path("shards-differ/part-1.csv"), clicks.Take(301));
        File.WriteAllLines(Path("shards-differ/part-2.csv"), clicks.Skip(301).Select(l => DropCell(l, 2)).Prepend(DropCell(clicks[0], 2)));
        Datasets.ParquetFiles.FromCsv(Path("clicks.csv"), Path("clicks.parquet"), 1);
        Datasets.ParquetFiles.WriteWithListColumn(Path("lists.parquet"));
        File.WriteAllText(Path("fake.parquet"), "a,b\n1,2\n");
        Directory.CreateDirectory(Path("kuairand"));
        File.WriteAllLines(Path("kuairand/log.csv"), new[] { "user_id,video_id,date,hourmin,time_ms,is_click,is_like,is_follow,is_comment,is_forward,is_hate,long_view,play_time_ms,duration_ms,profile_stay_time,comment_stay_time,is_profile_enter,is_rand,tab" }
            .Concat(Enumerable.Range(0, 20).Select(r => $"{r % 7},{r % 5},20220425,{r % 24 * 100},{1650812741436L + r},{r % 2},0,0,0,0,0,{r % 3 / 2},{r * 100},1000,0,0,0,0,1")));
        Directory.CreateDirectory(Path("kuairand-twice"));
        File.Copy(Path("kuairand/log.csv"), Path("kuairand-twice/log.csv"));
        File.WriteAllLines(Path("kuairand-twice/user_features_pure.csv"), new[] { "user_id,user_active_degree" }.Concat(Enumerable.Range(0, 7).Select(u => $"{u},full_active")).Append("3,high_active"));
        File.WriteAllLines(Path("kuairand-twice/video_features_basic_pure.csv"), new[] { "video_id,author_id,tag" }.Concat(Enumerable.Range(0, 5).Select(v => $"{v},{100 + v},\"1,2\"")));

        Train(folder, "clicks.zip", "clicks.csv", "--task", "click:click:binary", "--task", "watch:watch:regression", "--ignore-cols", "user");
        Train(folder, "clicks-star.zip", "clicks.csv", "--task", "click:click:binary", "--ignore-cols", "user", "--architecture", "STAR", "--domain-col", "category");
        Train(folder, "colors.zip", "colors.csv", "--task", "color:color:multiclass", "--task", "click:click:binary");
        File.WriteAllLines(Path("titles.csv"), Titles(300));
        Train(folder, "titles.zip", "titles.csv", "--task", "click:click:binary", "--text-encoder", "NGrams");
        File.WriteAllLines(Path("titles-minilm.csv"), Titles(60));
        Train(folder, "titles-minilm.zip", "titles-minilm.csv", "--task", "click:click:binary", "--text-encoder", "MiniLm");
        Train(folder, "covers.zip", "covers.csv", "--task", "liked:liked:binary");
        var model = File.ReadAllBytes(Path("clicks.zip"));
        File.WriteAllBytes(Path("noschema.zip"), WithoutEntry(model, "Schema"));
        var damaged = (byte[])model.Clone();
        damaged[damaged.Length / 2] ^= 0x55;
        File.WriteAllBytes(Path("damaged.zip"), damaged);
    }

    private static void Train(string folder, string model, string data, params string[] tasks)
    {
        var (exit, output, error) = CliProcess.RunSeparately(folder, ["train", "-d", data, .. tasks, "--epochs", "2", "--bottom", "16", "--tower", "8", "-o", model]);
        Assert.That(exit, Is.EqualTo(0), output + error);
    }

    /// <summary>user,category,age,income,click,watch — clicks depend on the category and age.</summary>
    private static List<string> Clicks(int rows, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string> { "user,category,age,income,click,watch" };
        for (int r = 0; r < rows; r++)
        {
            int category = random.Next(4);
            double age = 18 + random.NextDouble() * 60;
            bool click = random.NextDouble() < (category < 2 ? 0.7 : 0.2) + (age - 48) / 200;
            lines.Add(string.Join(',', $"u{r % 50}", $"c{category}", F(age), F(random.NextDouble() * 1e5), click ? "1" : "0", F(category + age / 50 + random.NextDouble())));
        }
        return lines;
    }

    /// <summary>title,price,click — titles of accented, capitalised words (n-gram text); clicks on "Red" or "NEW" in the title.</summary>
    private static IEnumerable<string> Titles(int rows)
    {
        var random = new Random(7);
        string[] words = ["Café", "news", "Straße", "zoë", "Red", "ship", "blue", "sea", "crème", "brûlée", "garden", "Tips", "how", "to", "cook", "NEW"];
        yield return "title,price,click";
        for (int r = 0; r < rows; r++)
        {
            string title = string.Join(' ', Enumerable.Range(0, random.Next(3, 9)).Select(_ => words[random.Next(words.Length)]));
            yield return $"\"{title}\",{random.Next(1, 50)},{(title.Contains("Red") || title.Contains("NEW") ? 1 : 0)}";
        }
    }

    /// <summary>Rows written as UCI Adult is: ", " between fields, the label as text.</summary>
    private static IEnumerable<string> Adult(int rows)
    {
        var random = new Random(5);
        yield return "age, workclass, hours-per-week, income";
        for (int r = 0; r < rows; r++)
        {
            int age = 18 + random.Next(60);
            yield return $"{age}, {(random.Next(3) == 0 ? "Private" : "Self-emp")}, {20 + random.Next(40)}, {(age + random.Next(30) > 60 ? ">50K" : "<=50K")}";
        }
    }

    /// <summary>x1,x2,color,click — the color depends on x1.</summary>
    private static IEnumerable<string> Colors(int rows, int seed)
    {
        var random = new Random(seed);
        string[] names = ["red", "green", "blue"];
        yield return "x1,x2,color,click";
        for (int r = 0; r < rows; r++)
        {
            double x1 = random.NextDouble(), x2 = random.NextDouble();
            yield return string.Join(',', F(x1), F(x2), names[x1 < 0.33 ? 0 : x1 < 0.66 ? 1 : 2], x2 > 0.5 ? "1" : "0");
        }
    }

    private static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private static string ReplaceCell(string line, int column, string value)
    {
        var cells = line.Split(',');
        cells[column] = value;
        return string.Join(',', cells);
    }

    private static string DropCell(string line, int column) => string.Join(',', line.Split(',').Where((_, i) => i != column));

    private static byte[] WithoutEntry(byte[] zipBytes, string entry)
    {
        using var stream = new MemoryStream();
        stream.Write(zipBytes);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
            zip.GetEntry(entry)!.Delete();
        return stream.ToArray();
    }
}

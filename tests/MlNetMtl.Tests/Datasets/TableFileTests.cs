using System.Text;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.Datasets.Tables;
using MlNetMtl.MLNet;
using static MlNetMtl.Tests.Datasets.ParquetFiles;

namespace MlNetMtl.Tests.Datasets;

/// <summary>
/// Parquet files and folders of shards read as tables: each cell the text a delimited file would hold (numbers that read
/// back as the same value, nulls as missing cells, booleans, dates, text trimmed), row groups read one after another, and
/// what cannot be read refused with the file, the column or the shard named.
/// </summary>
public class TableFileTests : TemporaryFolderTests
{
    private static List<string[]> Cells(TableFile table)
    {
        var rows = new List<string[]>();
        while (table.Read())
            rows.Add(Enumerable.Range(0, table.Header.Count).Select(c => table.Chars(c).ToString()).ToArray());
        return rows;
    }

    [Test]
    public void AParquetFile_GivesEachCellAsText_NullsMissing_AcrossRowGroups()
    {
        string path = Write(Path.Combine(Folder, "t.parquet"),
            [new("id", new int?[] { 1, null }), new("price", new float?[] { 0.1f, float.NaN }), new("ratio", new double?[] { 1.0 / 3, null }),
             new("member", new bool?[] { true, null }), new("city", new string?[] { "  Oslo ", null }), new("seen", new DateTime?[] { new DateTime(2022, 4, 8, 12, 30, 0, DateTimeKind.Utc), null })],
            [new("id", new int?[] { -7 }), new("price", new float?[] { 3e38f }), new("ratio", new double?[] { 1e-300 }),
             new("member", new bool?[] { false }), new("city", new string?[] { "Zoë, \"Bergen\"" }), new("seen", new DateTime?[] { null })]);
        using var table = TableFile.Open(path);
        Assert.That(table, Is.TypeOf<ParquetTable>());
        Assert.That(table.Header, Is.EqualTo(new[] { "id", "price", "ratio", "member", "city", "seen" }));
        var rows = Cells(table);
        Assert.That(rows, Has.Count.EqualTo(3), "both row groups");
        Assert.That(rows[0], Is.EqualTo(new[] { "1", "0.1", (1.0 / 3).ToString("R", System.Globalization.CultureInfo.InvariantCulture), "true", "Oslo", "2022-04-08T12:30:00.0000000" }), "a timestamp in ISO 8601, as Parquet.Net reads it (no time zone)");
        Assert.That(rows[1], Is.EqualTo(new[] { "", "NaN", "", "", "", "" }), "nulls are empty cells; NaN stays NaN (a missing number too)");
        Assert.That(rows[2][1..5], Is.EqualTo(new[] { "3E+38", "1E-300", "false", "Zoë, \"Bergen\"" }));
        // Numbers read back as the values written.
        Assert.That(TextValues.TryParseNumber(rows[0][1], out float price) && price == 0.1f);
        Assert.That(TextValues.TryParseNumber(rows[0][2], out double ratio) && ratio == 1.0 / 3);
    }

    [Test]
    public void AParquetFile_NamesTheRowOfAValueThatDoesNotFit()
    {
        string path = Write(Path.Combine(Folder, "t.parquet"), [new Column("x", new string?[] { "1", "2", "three" }), new Column("y", new int?[] { 1, 0, 1 })]);
        using var table = TableFile.Open(path);
        table.Read();
        table.Read();
        table.Read();
        Assert.That(TableFile.At(path, table.Mark), Is.EqualTo($"'{path}', row 3"));
        Assert.That(TableFile.Of(path, table.Mark), Is.EqualTo($"row 3 of '{path}'"));
    }

    [Test]
    public void AListColumn_IsRefusedByName_WithWhatToWriteInstead()
    {
        string path = WriteWithListColumn(Path.Combine(Folder, "lists.parquet"));
        var error = Assert.Throws<InvalidDataException>(() => TableFile.Open(path).Dispose())!;
        Assert.That(error.Message, Does.Contain("Column 'tags' of").And.Contain("holds lists").And.Contain("joined by | (a multi-valued column)"));
    }

    [Test]
    public void AFileThatIsNotParquet_IsNamed()
    {
        string path = Path.Combine(Folder, "t.parquet");
        File.WriteAllText(path, "a,b\n1,2\n");
        var error = Assert.Throws<InvalidDataException>(() => TableFile.Open(path).Dispose())!;
        Assert.That(error.Message, Does.StartWith($"'{path}' is not a Parquet file that can be read"));
    }

    [Test]
    public void AFolderOfShards_IsOneTable_InNameOrder_ItsMarksNamingEachShard()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "log")).FullName;
        File.WriteAllText(Path.Combine(folder, "part-2.csv"), "a,b\n3,z\n4,w\n", new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(folder, "part-1.csv"), "a,b\n1,x\n2,y\n", new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(folder, "notes.md"), "not a shard");
        Directory.CreateDirectory(Path.Combine(folder, "old"));
        using var table = TableFile.Open(folder);
        var rows = new List<(string, string)>();
        while (table.Read())
            rows.Add((table.String(0), TableFile.Of(folder, table.Mark)));
        Assert.That(rows, Is.EqualTo(new[]
        {
            ("1", $"line 2 of '{Path.Combine(folder, "part-1.csv")}'"), ("2", $"line 3 of '{Path.Combine(folder, "part-1.csv")}'"),
            ("3", $"line 2 of '{Path.Combine(folder, "part-2.csv")}'"), ("4", $"line 3 of '{Path.Combine(folder, "part-2.csv")}'"),
        }));
    }

    [Test]
    public void AFolder_ReadsItsParquetShards_WhenItHasAny()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "log")).FullName;
        Write(Path.Combine(folder, "a.parquet"), [new Column("x", new int?[] { 1, 2 })]);
        Write(Path.Combine(folder, "b.parquet"), [new Column("x", new int?[] { 3 })]);
        File.WriteAllText(Path.Combine(folder, "user_features.csv"), "user_id,age\n1,20\n");
        using var table = TableFile.Open(folder);
        Assert.That(Cells(table).Select(r => r[0]), Is.EqualTo(new[] { "1", "2", "3" }), "the CSV beside them (a side table) is not a shard");
    }

    [Test]
    public void AShardWithOtherColumns_IsNamed()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "log")).FullName;
        File.WriteAllText(Path.Combine(folder, "1.csv"), "a,b\n1,2\n");
        File.WriteAllText(Path.Combine(folder, "2.csv"), "b,a\n1,2\n");
        using var table = TableFile.Open(folder);
        table.Read();
        var error = Assert.Throws<InvalidDataException>(() => table.Read())!;
        Assert.That(error.Message, Does.StartWith($"The shard '{Path.Combine(folder, "2.csv")}' has the columns b, a;").And.Contain("the same columns in the same order"));
    }

    [Test]
    public void AFolderWithoutDataFiles_IsNamed()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "empty")).FullName;
        File.WriteAllText(Path.Combine(folder, "readme.md"), "x");
        var error = Assert.Throws<FileNotFoundException>(() => TableFile.Open(folder).Dispose())!;
        Assert.That(error.Message, Is.EqualTo($"The folder '{folder}' holds no data files (.parquet, or .csv, .tsv, .txt) to read as shards of one table."));
    }

    [Test]
    public void AValueThatDoesNotFit_InAShard_IsReportedWithThatShardsLine()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "log")).FullName;
        File.WriteAllText(Path.Combine(folder, "1.csv"), "x,click\n1,1\n2,0\n");
        File.WriteAllText(Path.Combine(folder, "2.csv"), "x,click\n3,1\n4,2\n");
        var error = Assert.Throws<ArgumentException>(() => CsvDataset.Load(new Microsoft.ML.MLContext(1), folder, [new TaskColumn("click", "click", TaskKind.Binary)]))!;
        Assert.That(error.Message, Does.Contain($"line 3 of '{Path.Combine(folder, "2.csv")}'").And.Contain("2 is not 0 or 1"));
    }
}

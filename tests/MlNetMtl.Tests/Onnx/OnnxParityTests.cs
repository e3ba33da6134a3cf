using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using MlNetMtl.Data;
using MlNetMtl.Datasets;
using MlNetMtl.Encoders;
using MlNetMtl.MLNet;
using MlNetMtl.MLNet.Images;
using MlNetMtl.MLNet.Pretrained;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Architectures;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Onnx;
using MlNetMtl.Tests.MLNet.Images;
using SkiaSharp;

namespace MlNetMtl.Tests.Onnx;

/// <summary>
/// The exported ONNX model, run by ONNX Runtime on the raw input columns of held-out rows, gives every output column the
/// ML.NET pipeline gives — for each architecture, input encoder and task kind, through MlNetMtl's own featurization
/// (one-hot categories, standardised and binned numbers with their bin indicators, flags, hashed ids).
/// </summary>
public class OnnxParityTests : TemporaryFolderTests
{
    /// <summary>|onnx − ml.net| ≤ Tolerance · max(1, |ml.net|): relative, absolute near zero (logits cross it).</summary>
    private const double Tolerance = 1e-5;

    internal sealed class Row
    {
        public string City { get; set; } = "";
        public string Tab { get; set; } = "";
        public string User { get; set; } = "";
        public float Age { get; set; }
        public float Price { get; set; }
        public bool Member { get; set; }
        public bool Click { get; set; }
        public bool Buy { get; set; }
        public float Watch { get; set; }
        public string Tier { get; set; } = "";
        public string Tags { get; set; } = "";
    }

    internal static List<Row> Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int city = random.Next(6), tab = random.Next(3), user = random.Next(60);
            float age = random.Next(18, 70), price = MathF.Round(random.NextSingle() * 100, 1);
            bool member = random.Next(2) == 0;
            // Multi-valued, all three separators, repeats, empty cells and an empty value between separators.
            string[] genres = ["action", "comedy", "drama", "Action", "news#1", "sci-fi"];
            string tags = string.Join(random.Next(3) switch { 0 => "|", 1 => ";", _ => "," }, Enumerable.Range(0, random.Next(4)).Select(_ => genres[random.Next(genres.Length)]))
                + (random.Next(10) == 0 ? "||action" : "");
            double signal = (city - 2.5) * 0.4 + (age - 40) / 20 + (member ? 0.5 : -0.5) + (tab - 1) * 0.6 + random.NextDouble() - 0.5;
            bool click = signal > 0;
            return new Row
            {
                City = $"city{city}", Tab = $"tab{tab}", User = $"u{user}", Age = random.Next(10) == 0 ? float.NaN : age, Price = price, Member = member,
                Tags = tags, Click = click, Buy = click && price < 50, Watch = (float)(signal * 3 + 10), Tier = signal < -0.5 ? "low" : signal < 0.5 ? "mid" : "high",
            };
        }).ToList();
    }

    private static readonly FeatureSpec Spec = new() { Categorical = ["City", "Tab"], Numeric = ["Age", "Price"], Flags = ["Member"], Ids = ["User"], HashBits = 8 };

    /// <summary>The same with a multi-valued column (a bag of tags).</summary>
    private static readonly FeatureSpec WithTags = Spec with { Bags = [nameof(Row.Tags)] };

    private static readonly TaskColumn Click = new("click", nameof(Row.Click), TaskKind.Binary);
    private static readonly TaskColumn Buy = new("buy", nameof(Row.Buy), TaskKind.Binary);
    private static readonly TaskColumn Watch = new("watch", nameof(Row.Watch), TaskKind.Regression);
    private static readonly TaskColumn Tier = new("tier", nameof(Row.Tier), TaskKind.Multiclass);

    private static readonly EncoderOptions Embedding = new() { Encoding = InputEncoding.Embedding, Interaction = FeatureInteraction.None, EmbeddingSize = 8 };

    public static IEnumerable<TestCaseData> Cases()
    {
        TaskColumn[] mixed = [Click, Watch, Tier];
        TestCaseData Case(string name, NetworkOptions network, TaskColumn[] tasks, string? domain = null, FeatureSpec? spec = null) =>
            new TestCaseData(network, tasks, domain, spec ?? Spec).SetName($"Parity_{name}");
        yield return Case("SharedBottom_OneHot", new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8] }, mixed);
        yield return Case("SharedBottom_Embedding", new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8], Encoder = Embedding }, mixed);
        yield return Case("SharedBottom_EmbeddingFM", new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8], Encoder = Embedding with { Interaction = FeatureInteraction.FM } }, mixed);
        yield return Case("SharedBottom_DcnV2", new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8], Encoder = Embedding with { Interaction = FeatureInteraction.Cross } }, mixed);
        yield return Case("SharedBottom_DcnV2LowRank", new SharedBottomOptions { BottomWidths = [16], Encoder = Embedding with { Interaction = FeatureInteraction.Cross, CrossRank = 4 } }, mixed);
        yield return Case("MMoE_OneHot", new MmoeOptions { ExpertCount = 3, ExpertWidths = [12], TowerWidths = [8] }, mixed);
        yield return Case("MMoE_Embedding", new MmoeOptions { ExpertCount = 3, ExpertWidths = [12], Encoder = Embedding }, mixed);
        yield return Case("MMoE_DomainGates", new MmoeOptions { ExpertCount = 3, ExpertWidths = [12] }, mixed, "Tab");
        yield return Case("OMoE", new OmoeOptions { ExpertCount = 3, ExpertWidths = [12] }, mixed);
        yield return Case("PLE_TwoLevels", new PleOptions { Levels = 2, SharedExperts = 1, TaskExperts = 1, ExpertWidths = [12] }, mixed);
        yield return Case("PLE_DomainGates_Embedding", new PleOptions { Levels = 1, SharedExperts = 1, TaskExperts = 1, ExpertWidths = [12], Encoder = Embedding }, mixed, "Tab");
        yield return Case("ESMM", new EsmmOptions { BottomWidths = [16], TowerWidths = [8] }, [Click, Buy]);
        yield return Case("AITM", new AitmOptions { BottomWidths = [16], TowerWidths = [8] }, [Click, Buy]);
        yield return Case("STAR", new StarOptions { BottomWidths = [16, 8], TowerWidths = [8], AuxiliaryWidth = 8 }, mixed, "Tab");
        yield return Case("STAR_Embedding_NoNorm", new StarOptions { BottomWidths = [16], PartitionedNormalization = false, Encoder = Embedding }, mixed, "Tab");
        yield return Case("PEPNet", new PepNetOptions { TowerWidths = [12, 8], GateWidth = 8 }, mixed, "Tab");
        yield return Case("PEPNet_Embedding", new PepNetOptions { TowerWidths = [8], GateWidth = 8, Encoder = Embedding }, mixed, "Tab");
        yield return Case("SharedBottom_OneHot_Tags", new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8] }, mixed, spec: WithTags);
        yield return Case("MMoE_Embedding_MeanPooledTags", new MmoeOptions { ExpertCount = 2, ExpertWidths = [12], Encoder = Embedding with { BagPooling = BagPooling.Mean } }, mixed, spec: WithTags);
    }

    [TestCaseSource(nameof(Cases))]
    public void OnnxRuntime_ReproducesThePipeline(NetworkOptions network, TaskColumn[] tasks, string? domain, FeatureSpec spec)
    {
        var ml = new MLContext(seed: 3);
        var train = ml.Data.LoadFromEnumerable(Rows(600, seed: 1));
        var test = ml.Data.LoadFromEnumerable(Rows(150, seed: 2));
        var pipeline = Featurization.Pipeline(ml, spec).Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = tasks, Network = network, DomainColumn = domain, Training = new() { Epochs = 2, Seed = 5 },
        }));
        var fitted = pipeline.Fit(train);
        // Exported as the CLI exports it: the model saved and loaded (ML.NET loads a one-hot encoding as its two steps).
        string zip = Path.Combine(Folder, "model.zip"), path = Path.Combine(Folder, "model.onnx");
        ml.Model.Save(fitted, train.Schema, zip);
        var model = ml.MultiTask().LoadModel(zip, out var schema);
        ml.MultiTask().ExportOnnx(model, schema, path);

        var expected = fitted.Transform(test);
        using var scorer = new OnnxPipelineScorer(path, threads: 1);
        var batches = scorer.Score(test, batchRows: 64).ToList();
        Assert.That(batches.Sum(b => b.Rows), Is.EqualTo(150));
        var transformer = MultiTaskTransformer.FindIn(model)!;
        var outputs = transformer.Tasks.SelectMany(t => OutputColumnNames.For(t.Name, t.Kind))
            .Concat(transformer.Network.AuxiliaryOutputs.Select(a => OutputColumnNames.Auxiliary(transformer.Tasks[a.Task].Name, a.Name))).ToArray();
        Assert.That(scorer.OutputNames, Is.EquivalentTo(outputs), "one ONNX output per ML.NET output column, named alike");
        Assert.That(scorer.InputNames, Is.EquivalentTo(spec.Columns), "the featurized columns are the inputs, labels are not");
        foreach (string name in outputs)
            AssertSameColumn(expected, name, batches);
        // The categorical and id columns reach the network as keys, not as dense blocks of indicators (the bin indicators,
        // a few slots of a vector key, stay dense).
        var dense = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node
            .Where(n => n.OpType == "OneHotEncoder" && (n.Output[0].Contains("OneHot.") || n.Output[0].Contains("Id."))).Select(n => n.Output[0]).ToArray();
        TestContext.Out.WriteLine($"categorical and id blocks left dense: {dense.Length}");
        Assert.That(dense, Is.Empty, "one-hot blocks read by key");
    }

    [Test]
    public void AModelAsFitted_ExportsToo()
    {
        var ml = new MLContext(seed: 3);
        var train = ml.Data.LoadFromEnumerable(Rows(400, seed: 1));
        var model = Featurization.Pipeline(ml, WithTags).Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions
        {
            Tasks = [Click, Tier], Network = new MmoeOptions { ExpertCount = 2, ExpertWidths = [8] }, Training = new() { Epochs = 1 },
        })).Fit(train);
        string path = Path.Combine(Folder, "model.onnx");
        using (var stream = File.Create(path))
            ml.MultiTask().ExportOnnx(model, train.Schema, stream);
        var test = ml.Data.LoadFromEnumerable(Rows(100, seed: 2));
        using var scorer = new OnnxPipelineScorer(path, threads: 1);
        var batches = scorer.Score(test).ToList();
        foreach (string name in new[] { "click.Score", "click.Probability", "click.PredictedLabel", "tier.Score", "tier.PredictedLabel" })
            AssertSameColumn(model.Transform(test), name, batches);
    }

    /// <summary>
    /// Titles with what FeaturizeText normalises away (upper case, precomposed and combining diacritics), runs of spaces,
    /// leading and trailing ones, a '|' inside a word (slot names join n-grams with '|'), tabs, empty titles, and test titles
    /// with words and characters training never saw; one text column (FeaturizeText's own slot names reach the network)
    /// and two (their slot names prefixed by the column).
    /// </summary>
    [TestCase(InputEncoding.OneHot, BagPooling.Sum, false)]
    [TestCase(InputEncoding.Embedding, BagPooling.Sum, false)]
    [TestCase(InputEncoding.Embedding, BagPooling.Mean, true)]
    public void NGramText_MatchesMlNet(InputEncoding encoding, BagPooling pooling, bool twoColumns)
    {
        var ml = new MLContext(seed: 3);
        string[] words = ["Café", "cafe\u0301", "NEWS", "a|b", "straße", "Ǆemal", "tab\there", "zoë", "ÀÉÎ", "x", "long-word"];
        List<TaggedRow> Titles(int count, int seed, string[] extra)
        {
            var random = new Random(seed);
            string Title()
            {
                var picked = Enumerable.Range(0, random.Next(5)).Select(_ => random.Next(8) == 0 ? extra[random.Next(extra.Length)] : words[random.Next(words.Length)]);
                string title = string.Join(random.Next(4) == 0 ? "  " : " ", picked);
                return random.Next(6) switch { 0 => " " + title, 1 => title + "  ", _ => title };
            }
            return Enumerable.Range(0, count).Select(_ => new TaggedRow { Tags = Title(), Note = Title() })
                .Select(r => r with { Click = r.Tags.Contains("NEWS") || r.Note.Contains('x') }).ToList();
        }
        var train = ml.Data.LoadFromEnumerable(Titles(300, 1, ["Café", "x"]));
        var spec = new FeatureSpec { Text = twoColumns ? [nameof(TaggedRow.Tags), nameof(TaggedRow.Note)] : [nameof(TaggedRow.Tags)], TextEncoder = TextEncoding.NGrams, TextFeatures = 256 };
        var network = new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8], Encoder = new EncoderOptions { Encoding = encoding, BagPooling = pooling, EmbeddingSize = 8 } };
        var model = Featurization.Pipeline(ml, spec)
            .Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Click], Network = network, Training = new() { Epochs = 2 } })).Fit(train);
        string path = Path.Combine(Folder, "model.onnx");
        using (var stream = File.Create(path))
            ml.MultiTask().ExportOnnx(model, train.Schema, stream);
        var test = ml.Data.LoadFromEnumerable(Titles(200, 2, ["unseen", "ÜBER", "q|r", "😀x", "日本"]).Append(new TaggedRow()).Append(new TaggedRow { Tags = "   ", Note = " x " }).ToList());
        using var scorer = new OnnxPipelineScorer(path, threads: 1);
        var batches = scorer.Score(test).ToList();
        foreach (string name in new[] { "click.Score", "click.Probability", "click.PredictedLabel" })
            AssertSameColumn(model.Transform(test), name, batches);
    }

    /// <summary>
    /// Sentence vectors (all-MiniLM-L6-v2): the exported graph tokenizes each raw text with the operator the encoder
    /// tokenizes with and runs the network on it alone, so ONNX Runtime gives ML.NET's outputs — for symbols, accents,
    /// scripts without spaces, emoji, control characters, texts past the token limit and blank cells (zeros); one-hot and
    /// embedding encoders, one and two text columns.
    /// </summary>
    [TestCase(InputEncoding.OneHot, false)]
    [TestCase(InputEncoding.Embedding, true)]
    public void SentenceVectors_MatchMlNet(InputEncoding encoding, bool twoColumns)
    {
        var ml = new MLContext(seed: 3);
        string[] words = ["Café", "$US", "a+b=c", "<tag>", "東京タワー", "Москва", "😀", "tab\there", "don't", "x", "12,345.67", "_snake_", "ǅemal"];
        List<TaggedRow> Titles(int count, int seed)
        {
            var random = new Random(seed);
            string Title() => string.Join(" ", Enumerable.Range(0, random.Next(6)).Select(_ => words[random.Next(words.Length)]));
            return Enumerable.Range(0, count).Select(_ => new TaggedRow { Tags = Title(), Note = Title() })
                .Select(r => r with { Click = r.Tags.Contains('$') || r.Note.Contains('x') }).ToList();
        }
        var train = ml.Data.LoadFromEnumerable(Titles(120, 1));
        var spec = new FeatureSpec { Text = twoColumns ? [nameof(TaggedRow.Tags), nameof(TaggedRow.Note)] : [nameof(TaggedRow.Tags)], TextEncoder = TextEncoding.MiniLm };
        var network = new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8], Encoder = new EncoderOptions { Encoding = encoding, EmbeddingSize = 8 } };
        var model = Featurization.Pipeline(ml, spec)
            .Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Click], Network = network, Training = new() { Epochs = 2 } })).Fit(train);
        string path = Path.Combine(Folder, "model.onnx");
        ml.MultiTask().ExportOnnx(model, train.Schema, path);
        var held = Titles(40, 2);
        held.AddRange([new TaggedRow(), new TaggedRow { Tags = " \t\u00a0\u2029 ", Note = "x" }, new TaggedRow { Tags = "a\u200bb\u0007c", Note = "Ünïcödé" },
            new TaggedRow { Tags = string.Join(' ', Enumerable.Repeat("goal", 400)) + " tea", Note = "ends" }]);
        var test = ml.Data.LoadFromEnumerable(held);
        using var scorer = new OnnxPipelineScorer(path, threads: 1);
        var batches = scorer.Score(test, batchRows: 16).ToList();
        foreach (string name in new[] { "click.Score", "click.Probability", "click.PredictedLabel" })
            AssertSameColumn(model.Transform(test), name, batches);
    }

    /// <summary>
    /// Image vectors (ResNet18): the exported graph reads each image column as pixels (<c>cover.Pixels</c>), which the scorer
    /// reads from the files the cells name (relative to the model's image folder, or full) as training did, and runs the
    /// encoder on every row at once — so ONNX Runtime gives ML.NET's outputs, for held-out images training never saw (JPEG,
    /// WebP, 1 × 1, very wide and very tall), empty cells (zeros in both), spaces around a path; one-hot and embedding
    /// encoders, one and two image columns.
    /// </summary>
    [TestCase(InputEncoding.OneHot, false)]
    [TestCase(InputEncoding.Embedding, true)]
    public void ImageVectors_MatchMlNet(InputEncoding encoding, bool twoColumns)
    {
        var ml = new MLContext(seed: 3);
        var (train, held, images) = ImageRows(ml);
        var spec = new FeatureSpec
        {
            Categorical = [nameof(ImageRow.Tab)], Images = twoColumns ? [nameof(ImageRow.Cover), nameof(ImageRow.Thumb)] : [nameof(ImageRow.Cover)], ImageFolder = images,
        };
        var network = new SharedBottomOptions { BottomWidths = [16], TowerWidths = [8], Encoder = new EncoderOptions { Encoding = encoding, EmbeddingSize = 8 } };
        var fitted = Featurization.Pipeline(ml, spec)
            .Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Click], Network = network, Training = new() { Epochs = 2 } })).Fit(train);
        // Exported as the CLI exports it: saved and loaded, the image folder read back from the model file.
        string zip = Path.Combine(Folder, "model.zip"), path = Path.Combine(Folder, "model.onnx");
        ml.Model.Save(fitted, train.Schema, zip);
        var model = ml.MultiTask().LoadModel(zip, out var schema);
        ml.MultiTask().ExportOnnx(model, schema, path);

        using var scorer = new OnnxPipelineScorer(path, threads: 1);
        string[] pixelInputs = spec.Images.Select(c => c + ".Pixels").ToArray();
        Assert.That(scorer.InputNames, Is.EquivalentTo(pixelInputs.Append(nameof(ImageRow.Tab))), "each image column read as its pixels, not as its paths");
        Assert.That(scorer.ImageInputs.Keys, Is.EquivalentTo(pixelInputs));
        var batches = scorer.Score(held, batchRows: 16).ToList();
        Assert.That(batches.Sum(b => b.Rows), Is.EqualTo(32));
        Assert.That(batches.Select(b => b.Rows), Is.All.LessThanOrEqualTo(16), "fewer rows a batch when their pixels would take more than 16 MiB");
        foreach (string name in new[] { "click.Score", "click.Probability", "click.PredictedLabel" })
            AssertSameColumn(model.Transform(held), name, batches);

        // The contract is in the model for a serving system to read: each input's documentation and the metadata entry.
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Does.Not.Contain("Loop"), "ResNet18 reads every row at once");
        var input = proto.Graph.Input.Single(i => i.Name == pixelInputs[0]);
        Assert.That(input.Type.TensorType.Shape.Dim.Select(d => d.DimValue), Is.EqualTo(new long[] { 0, 3, 224, 224 }));
        Assert.That(input.DocString, Does.Contain("red, green and blue planes, 224 x 224").And.Contain("A row of negative values"));
        var entry = proto.MetadataProps.Single(m => m.Key == "mlnetmtl.image-inputs").Value;
        Assert.That(entry, Does.Contain($"\"column\":\"{nameof(ImageRow.Cover)}\"").And.Contain("\"encoder\":\"ResNet18\""));
    }

    /// <summary>An image encoder whose ONNX form reads one image per run (first dimension 1) is run on each row in a Loop, and still gives ML.NET's outputs.</summary>
    [Test]
    public void AnImageEncoderOfOneImagePerRun_IsLoopedOverTheRows()
    {
        var ml = new MLContext(seed: 3);
        var (train, held, images) = ImageRows(ml);
        var model = ml.Transforms.EmbedImages("Image.Cover", nameof(ImageRow.Cover), new OneImagePerRun(), images)
            .Append(ml.Transforms.Concatenate("Features", "Image.Cover"))
            .Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Click], Training = new() { Epochs = 2 } })).Fit(train);
        string path = Path.Combine(Folder, "model.onnx");
        ml.MultiTask().ExportOnnx(model, train.Schema, path);
        Assert.That(global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Count(n => n.OpType == "Loop"), Is.EqualTo(1));
        using var scorer = new OnnxPipelineScorer(path, threads: 1);
        var batches = scorer.Score(held).ToList();
        foreach (string name in new[] { "click.Score", "click.Probability", "click.PredictedLabel" })
            AssertSameColumn(model.Transform(held), name, batches);
    }

    /// <summary>ResNet18 with its ONNX form declared for one image per run; made by its parameterless constructor, as every encoder is (the scorer makes it by name).</summary>
    private sealed class OneImagePerRun : IImageEncoder, IOnnxWritableEncoder
    {
        private readonly ResNet18ImageEncoder _inner = new(threads: 1);

        public string Name => _inner.Name;
        public string Version => _inner.Version;
        public string Package => _inner.Package;
        public int Dimension => _inner.Dimension;
        public int ImageSize => _inner.ImageSize;
        public void Encode(IReadOnlyList<string> inputs, Span<float> vectors) => _inner.Encode(inputs, vectors);
        public void ReadPixels(string path, Span<float> pixels) => _inner.ReadPixels(path, pixels);

        public byte[] OnnxModel()
        {
            var model = global::Onnx.ModelProto.Parser.ParseFrom(((IOnnxWritableEncoder)_inner).OnnxModel());
            foreach (var value in model.Graph.Input.Concat(model.Graph.Output))
                value.Type.TensorType.Shape.Dim[0] = new global::Onnx.TensorShapeProto.Types.Dimension { DimValue = 1 };
            return Google.Protobuf.MessageExtensions.ToByteArray(model);
        }
    }

    /// <summary>
    /// Pictures in a folder, training rows over six of them and held-out rows over those and five training never saw (JPEG,
    /// WebP, 1 × 1, very wide, very tall), empty cells, a path with spaces around it and a full path.
    /// </summary>
    private (IDataView Train, IDataView Held, string Folder) ImageRows(MLContext ml)
    {
        string images = Path.Combine(Folder, "images");
        Directory.CreateDirectory(images);
        SKColor[] colours = [SKColors.Red, SKColors.Blue, SKColors.Gold, SKColors.White, SKColors.DarkGreen];
        string Picture(string name, int width, int height, int colour, SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
            Path.GetFileName(TestImages.Write(Path.Combine(images, name), width, height, colours[colour], colours[(colour + 2) % colours.Length], format));
        var seen = Enumerable.Range(0, 6).Select(i => Picture($"seen{i}.png", 60 + 20 * i, 80, i % colours.Length)).ToArray();
        string[] unseen =
        [
            Picture("photo.jpg", 640, 480, 0, SKEncodedImageFormat.Jpeg), Picture("web.webp", 225, 223, 1, SKEncodedImageFormat.Webp),
            Picture("dot.png", 1, 1, 2), Picture("wide.png", 500, 20, 3), Picture("tall.png", 30, 400, 4),
        ];
        List<ImageRow> Rows(int count, int seed, string[] pictures)
        {
            var random = new Random(seed);
            string Cell() => random.Next(8) == 0 ? "" : pictures[random.Next(pictures.Length)];
            return Enumerable.Range(0, count).Select(_ => new ImageRow { Cover = Cell(), Thumb = Cell(), Tab = $"tab{random.Next(3)}" })
                .Select(r => r with { Click = r.Cover.Contains('1') || r.Cover.Contains('3') || r.Tab == "tab0" }).ToList();
        }
        var held = Rows(30, 2, [.. unseen, .. seen]);
        held.AddRange([new ImageRow { Cover = "", Thumb = "", Tab = "tab1" }, new ImageRow { Cover = "  " + unseen[0] + " ", Thumb = Path.Combine(images, seen[1]), Tab = "tab2" }]);
        return (ml.Data.LoadFromEnumerable(Rows(80, 1, seen)), ml.Data.LoadFromEnumerable(held), images);
    }

    private sealed record ImageRow
    {
        public string Cover { get; set; } = "";
        public string Thumb { get; set; } = "";
        public string Tab { get; set; } = "";
        public bool Click { get; set; }
    }

    /// <summary>A FeaturizeText fitted with options the export does not follow is refused, naming what differs, not exported wrong.</summary>
    [TestCase("KeepCase", "lower case, no diacritics")]
    [TestCase("L1", "are not L2-normalised")]
    [TestCase("WordsOnly", "is neither a character n-gram nor a word n-gram")]
    public void NGramText_FittedOtherwise_IsRefusedWithTheReason(string variant, string reason)
    {
        var ml = new MLContext(seed: 3);
        var rows = Enumerable.Range(0, 60).Select(i => new TaggedRow { Tags = $"Red ship {i % 7} blue SEA", Click = i % 3 == 0 }).ToList();
        var train = ml.Data.LoadFromEnumerable(rows);
        var options = new TextFeaturizingEstimator.Options
        {
            CaseMode = variant == "KeepCase" ? TextNormalizingEstimator.CaseMode.None : TextNormalizingEstimator.CaseMode.Lower,
            Norm = variant == "L1" ? TextFeaturizingEstimator.NormFunction.L1 : TextFeaturizingEstimator.NormFunction.L2,
            CharFeatureExtractor = variant == "WordsOnly" ? null : new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = false },
        };
        var model = ml.Transforms.Text.FeaturizeText("Text.Tags", options, nameof(TaggedRow.Tags)).Append(ml.Transforms.Concatenate("Features", "Text.Tags"))
            .Append(ml.MultiTask().Network(new MultiTaskNetworkTrainerOptions { Tasks = [Click], Training = new() { Epochs = 1 } })).Fit(train);
        var error = Assert.Throws<NotSupportedException>(() => ml.MultiTask().ExportOnnx(model, train.Schema, Stream.Null))!;
        TestContext.Out.WriteLine(error.Message);
        Assert.That(error.Message, Does.StartWith("The TextFeaturizing transform producing 'Text.Tags' cannot be exported to ONNX: ").And.Contain(reason));
    }

    private sealed record TaggedRow
    {
        public string Tags { get; set; } = "";
        public string Note { get; set; } = "";
        public bool Click { get; set; }
    }

    internal static void AssertSameColumn(IDataView expected, string name, IReadOnlyList<OnnxBatch> batches)
    {
        var column = expected.Schema[name];
        var actual = batches.SelectMany(b => ((IEnumerable<object>)b.Columns[name].Values.Cast<object>())).ToArray();
        object[] wanted = column.Type switch
        {
            BooleanDataViewType => expected.GetColumn<bool>(name).Cast<object>().ToArray(),
            KeyDataViewType => expected.GetColumn<uint>(name).Cast<object>().ToArray(),
            VectorDataViewType => expected.GetColumn<VBuffer<float>>(name).SelectMany(v => v.DenseValues()).Cast<object>().ToArray(),
            _ => expected.GetColumn<float>(name).Cast<object>().ToArray(),
        };
        Assert.That(actual, Has.Length.EqualTo(wanted.Length), name);
        double worst = 0;
        for (int i = 0; i < wanted.Length; i++)
        {
            if (wanted[i] is float w)
            {
                double error = Math.Abs((float)actual[i] - w) / Math.Max(1.0, Math.Abs(w));
                worst = Math.Max(worst, error);
                Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"{name}, value {i}: ONNX {actual[i]}, ML.NET {w}");
            }
            else
                Assert.That(actual[i], Is.EqualTo(wanted[i]), $"{name}, value {i}");
        }
        TestContext.Out.WriteLine($"{name}: worst relative difference {worst:E2}");
    }
}

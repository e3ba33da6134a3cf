using System.Reflection;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace MlNetMtl.Encoders;

/// <summary>
/// BERT-uncased WordPiece by ONNX Runtime Extensions' <c>BertTokenizer</c> operator (lower-cased, accents stripped, cut at
/// a token limit that counts [CLS] and [SEP]). The same node is run alone here, on one text at a time, and written into an
/// exported graph (<see cref="Node"/>), so a model tokenizes in ONNX exactly as it did in training.
/// </summary>
internal sealed class OrtExtensionsBertTokenizer
{
    /// <summary>The operator domain of ONNX Runtime Extensions.</summary>
    public const string Domain = "ai.onnx.contrib";

    /// <summary>The package version the operator comes from (pinned in Directory.Packages.props, stamped into this assembly).</summary>
    public static readonly string PackageVersion = typeof(OrtExtensionsBertTokenizer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OrtExtensionsVersion").Value!;

    private readonly byte[] _vocabulary;
    private readonly int _maxTokens;
    private readonly Lazy<InferenceSession> _session;

    /// <param name="name">The session's name (one session per name in the process).</param>
    /// <param name="vocabulary">The vocabulary file's bytes, one token per line.</param>
    /// <param name="maxTokens">The most tokens kept, [CLS] and [SEP] included.</param>
    public OrtExtensionsBertTokenizer(string name, byte[] vocabulary, int maxTokens)
    {
        _vocabulary = vocabulary;
        _maxTokens = maxTokens;
        _session = OnnxSessions.Get(name, new Lazy<byte[]>(() => Model().ToByteArray()), threads: 1, extensions: true);
    }

    /// <summary>What the tokens depend on, for an encoder's version.</summary>
    public static string Description => $"onnxruntime-extensions {PackageVersion} BertTokenizer";

    /// <summary>The token ids of <paramref name="text"/>, [CLS] first and [SEP] last.</summary>
    public long[] Tokenize(string text)
    {
        var input = NamedOnnxValue.CreateFromTensor("text", new DenseTensor<string>(new[] { text }, [1]));
        using var outputs = _session.Value.Run([input], ["ids"]);
        return outputs[0].AsEnumerable<long>().ToArray();
    }

    /// <summary>The tokenizer node: a string tensor of one text in, its ids, token types (zeros) and mask (ones) out, each [tokens].</summary>
    public NodeProto Node(string name, string text, string ids, string types, string mask)
    {
        var node = new NodeProto { OpType = "BertTokenizer", Domain = Domain, Name = name, Input = { text }, Output = { ids, types, mask } };
        node.Attribute.Add(new AttributeProto { Name = "vocab_file", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(_vocabulary) });
        node.Attribute.Add([OnnxValues.Int("do_lower_case", 1), OnnxValues.Int("strip_accents", 1), OnnxValues.Int("max_length", _maxTokens)]);
        return node;
    }

    /// <summary>The node alone as a model (what <see cref="Tokenize"/> runs).</summary>
    private ModelProto Model()
    {
        var graph = new GraphProto { Name = "BertTokenizer", Node = { Node("tokenize", "text", "ids", "types", "mask") } };
        graph.Input.Add(OnnxValues.Tensor("text", TensorProto.Types.DataType.String, 1));
        foreach (string output in new[] { "ids", "types", "mask" })
            graph.Output.Add(OnnxValues.Tensor(output, TensorProto.Types.DataType.Int64, "tokens"));
        return new ModelProto { IrVersion = 7, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 }, new OperatorSetIdProto { Domain = Domain, Version = 1 } } };
    }
}

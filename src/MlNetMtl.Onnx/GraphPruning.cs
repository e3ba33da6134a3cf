using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>Drops what no graph output depends on: ML.NET's fragments copy every input column (labels too) to an output of their own.</summary>
internal static class GraphPruning
{
    /// <summary>Keeps the nodes and initializers the outputs need, and as graph inputs those of <paramref name="inputs"/> they read, in schema order.</summary>
    public static void KeepWhatOutputsNeed(GraphProto graph, IReadOnlyDictionary<string, ValueInfoProto> inputs)
    {
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        for (int n = graph.Node.Count - 1; n >= 0; n--)
        {
            var node = graph.Node[n];
            if (!node.Output.Any(needed.Contains))
                continue;
            kept.Add(node);
            needed.UnionWith(Reads(node));
        }
        kept.Reverse();
        var initializers = graph.Initializer.Where(i => needed.Contains(i.Name)).ToArray();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        graph.Initializer.Clear();
        graph.Initializer.AddRange(initializers);
        graph.Input.Clear();
        graph.Input.AddRange(inputs.Where(i => needed.Contains(i.Key)).Select(i => i.Value));
    }

    /// <summary>The names a node reads: its inputs, and those its subgraphs (a Loop's body) read from the graph around them.</summary>
    private static IEnumerable<string> Reads(NodeProto node) => node.Input.Where(i => i.Length > 0)
        .Concat(node.Attribute.Where(a => a.G is not null).SelectMany(a => a.G.Node).SelectMany(Reads));
}

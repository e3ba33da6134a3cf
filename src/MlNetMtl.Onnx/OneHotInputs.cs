using Onnx;

namespace MlNetMtl.Onnx;

/// <summary>
/// Reads one-hot features by their keys. ML.NET's converter writes a categorical or hashed-id column as a dense block of
/// indicators (OneHotEncoder) in the feature vector (FeatureVectorizer): an id of 2^17 slots makes every row 131,072 floats,
/// and the first layer a product over all of them. Where every reader of the feature vector is a product with constant
/// weights (a first dense layer, an embedding table) or a pick of a one-hot field's slot, value or zero slots (the
/// embedding encoder, a domain's indicators), each block is replaced by its key: the product becomes the other slots'
/// product plus the block's weight row gathered by key (a zero row for a key no slot has), the pick is read from the key.
/// Any other reader keeps the dense vector.
/// </summary>
internal static class OneHotInputs
{
    /// <summary>A block of the feature vector: its slots, and for a one-hot block the key tensor and the category of each slot.</summary>
    private sealed record Block(int Start, int Width, string Source, string? Key, long[]? Categories)
    {
        public int End => Start + Width;
    }

    /// <summary>Rewrites the readers of <paramref name="features"/> ([rows, slots] float) where all of them allow it; returns whether it did.</summary>
    public static bool Rewrite(OnnxGraphWriter writer, string features)
    {
        var graph = writer.Graph;
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (Output: o, Node: n))).Where(p => p.Output.Length > 0).ToDictionary(p => p.Output, p => p.Node);
        var initializers = graph.Initializer.ToDictionary(i => i.Name, i => i);
        if (Vectorizer(features, producers) is not { } vectorizer)
            return false;
        var blocks = Blocks(vectorizer, producers);
        if (blocks.All(b => b.Key is null))
            return false;
        var readers = graph.Node.Where(n => n.Input.Contains(features)).ToList();
        var slices = readers.Where(n => n.OpType == "Slice").ToDictionary(n => n, n => SliceRange(n, initializers));
        var sliceReaders = slices.Keys.ToDictionary(s => s, s => graph.Node.Where(n => n.Input.Contains(s.Output[0])).ToList());
        bool rewritable = readers.All(r => r.OpType switch
        {
            "Gemm" => IsProduct(r, features, initializers) && r.Attribute.All(a => a.Name is "alpha" or "beta" or "transA" or "transB" && (a.Name is "alpha" or "beta" ? a.F == 1 : a.I == 0)),
            "MatMul" => IsProduct(r, features, initializers),
            "Slice" => slices[r] is { } range && (blocks.FirstOrDefault(b => b.Key is not null && b.Start == range.Start && b.End == range.End) is not null
                ? sliceReaders[r].All(n => IsPick(n, r.Output[0], initializers))
                : blocks.Where(b => b.Key is not null).All(b => b.End <= range.Start || b.Start >= range.End)),
            _ => false,
        });
        if (!rewritable)
            return false;

        var dense = blocks.Where(b => b.Key is null).ToArray();
        string? denseFeatures = null;
        if (dense.Length > 0)
        {
            denseFeatures = writer.Node("FeatureVectorizer", "dense.features", [.. dense.Select(b => b.Source)], ("inputdimensions", dense.Select(b => (long)b.Width).ToArray()));
            graph.Node[^1].Domain = "ai.onnx.ml";
        }
        var keys = blocks.Where(b => b.Key is not null).ToDictionary(b => b, b => KeyIndex(writer, b));
        var replaced = new List<NodeProto>();
        foreach (var reader in readers)
        {
            if (reader.OpType is "Gemm" or "MatMul")
                writer.Named("Identity", reader.Output[0], [Product(writer, reader, initializers[reader.Input[1]], blocks, keys, denseFeatures)]);
            else if (blocks.FirstOrDefault(b => b.Key is not null && b.Start == slices[reader]!.Value.Start && b.End == slices[reader]!.Value.End) is { } block)
            {
                foreach (var pick in sliceReaders[reader])
                {
                    writer.Named("Identity", pick.Output[0], [Pick(writer, pick, keys[block], block.Width)]);
                    replaced.Add(pick);
                }
            }
            else
            {
                // A slice of dense slots only: the same slots of the dense features, shifted past the one-hot blocks before them.
                var range = slices[reader]!.Value;
                int shift = blocks.Where(b => b.Key is not null && b.End <= range.Start).Sum(b => b.Width);
                writer.Named("Slice", reader.Output[0], [denseFeatures!, writer.Int64s("start", range.Start - shift), writer.Int64s("end", range.End - shift), writer.Int64s("axis", 1)]);
            }
            replaced.Add(reader);
        }
        foreach (var node in replaced)
            graph.Node.Remove(node);
        TopologicalOrder(graph);
        return true;
    }

    /// <summary>The FeatureVectorizer that <paramref name="features"/> reshapes, casts or copies, if it is one.</summary>
    private static NodeProto? Vectorizer(string features, Dictionary<string, NodeProto> producers)
    {
        string tensor = features;
        while (producers.TryGetValue(tensor, out var node))
        {
            if (node.OpType == "FeatureVectorizer")
                return node;
            if (node.OpType is not ("Reshape" or "Identity" or "Cast"))
                return null;
            tensor = node.Input[0];
        }
        return null;
    }

    /// <summary>The vectorizer's inputs as blocks of slots; those a OneHotEncoder writes (unknown categories as zeros) with their key.</summary>
    private static List<Block> Blocks(NodeProto vectorizer, Dictionary<string, NodeProto> producers)
    {
        var widths = vectorizer.Attribute.Single(a => a.Name == "inputdimensions").Ints;
        var blocks = new List<Block>();
        int start = 0;
        for (int i = 0; i < vectorizer.Input.Count; i++)
        {
            int width = (int)widths[i];
            string tensor = vectorizer.Input[i];
            while (producers.TryGetValue(tensor, out var node) && node.OpType == "Identity")
                tensor = node.Input[0];
            var encoder = producers.GetValueOrDefault(tensor);
            var categories = encoder?.Attribute.FirstOrDefault(a => a.Name == "cats_int64s")?.Ints;
            bool oneHot = encoder is { OpType: "OneHotEncoder" } && categories?.Count == width && encoder.Attribute.Any(a => a.Name == "zeros" && a.I == 1);
            blocks.Add(new Block(start, width, vectorizer.Input[i], oneHot ? encoder!.Input[0] : null, oneHot ? [.. categories!] : null));
            start += width;
        }
        return blocks;
    }

    /// <summary>A product of the features (first input) with a constant 2-D weight.</summary>
    private static bool IsProduct(NodeProto node, string features, Dictionary<string, TensorProto> initializers) =>
        node.Input[0] == features && node.Input.Count >= 2 && initializers.TryGetValue(node.Input[1], out var weight) && weight.Dims.Count == 2
        && weight.DataType == (int)TensorProto.Types.DataType.Float && node.Input.Skip(2).All(initializers.ContainsKey);

    /// <summary>
    /// What the network reads of a one-hot field's slots: the slot (ArgMax), the value (ReduceMax, ReduceSum), the product
    /// with its table (MatMul) or which slots are zero (Equal).
    /// </summary>
    private static bool IsPick(NodeProto node, string slots, Dictionary<string, TensorProto> initializers) => node.OpType switch
    {
        "ArgMax" => Attribute(node, "axis") == 1 && Attribute(node, "keepdims") == 0,
        "ReduceMax" or "ReduceSum" => node.Attribute.SingleOrDefault(a => a.Name == "axes") is { Ints: [1] } && Attribute(node, "keepdims") == 1,
        "MatMul" => IsProduct(node, slots, initializers),
        // The slots compared with zero (a domain's indicators, MultiTaskNetwork's NonZero).
        "Equal" => node.Input[0] == slots && initializers.TryGetValue(node.Input[1], out var zero) && Values(zero) is [0f],
        _ => false,
    };

    private static long? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I;

    /// <summary>The columns [start, end) a Slice of axis 1 reads, from constant inputs; null for any other slice.</summary>
    private static (int Start, int End)? SliceRange(NodeProto slice, Dictionary<string, TensorProto> initializers)
    {
        long? Single(int input) => slice.Input.Count > input && initializers.TryGetValue(slice.Input[input], out var t) && t.Int64Data.Count == 1 ? t.Int64Data[0] : null;
        return slice.Input.Count == 4 && Single(1) is { } start && Single(2) is { } end && Single(3) == 1 && start >= 0 && end > start ? ((int)start, (int)end) : null;
    }

    /// <summary>1 + the slot of each row's key in the block, 0 where no slot has it: [rows] int64.</summary>
    private static string KeyIndex(OnnxGraphWriter writer, Block block)
    {
        string key = writer.Reshape(writer.Node("Cast", "key", [block.Key!], ("to", (long)TensorProto.Types.DataType.Int64)), -1);
        var categories = block.Categories!;
        bool consecutive = categories.Select((c, i) => c - i).Distinct().Count() == 1;
        if (!consecutive)
        {
            string index = writer.Node("LabelEncoder", "slot.index", [key], ("keys_int64s", categories), ("values_int64s", Enumerable.Range(1, categories.Length).Select(i => (long)i).ToArray()),
                ("default_int64", 0L));
            writer.Graph.Node[^1].Domain = "ai.onnx.ml";
            return index;
        }
        string shifted = writer.Sub(key, writer.Int64s("first", categories[0] - 1));
        string inBlock = writer.Node("And", "in.block", [writer.Node("Greater", "above", [shifted, writer.Int64s("zero", 0)]),
            writer.Node("Less", "below", [shifted, writer.Int64s("past", categories.Length + 1)])]);
        return writer.Node("Where", "slot.index", [inBlock, shifted, writer.Int64s("none", 0)]);
    }

    /// <summary>X·W (+ b): the dense slots' product with their rows of W, plus each one-hot block's row of W picked by key.</summary>
    private static string Product(OnnxGraphWriter writer, NodeProto product, TensorProto weight, List<Block> blocks, Dictionary<Block, string> keys, string? denseFeatures)
    {
        int outputs = (int)weight.Dims[1];
        var terms = new List<string>();
        if (denseFeatures is not null)
        {
            // The dense blocks' rows of W, copied; the one-hot blocks' rows are gathered from W itself.
            var values = Values(weight);
            var dense = blocks.Where(b => b.Key is null).ToArray();
            var rows = new float[dense.Sum(b => b.Width) * outputs];
            int at = 0;
            foreach (var block in dense)
            {
                values.Slice(block.Start * outputs, block.Width * outputs).CopyTo(rows.AsSpan(at));
                at += block.Width * outputs;
            }
            terms.Add(writer.MatMul(denseFeatures, writer.Constant("dense.weight", rows, rows.Length / outputs, outputs)));
        }
        foreach (var (block, key) in keys)
            terms.Add(Gathered(writer, product.Input[1], block.Start, key));
        if (product.Input.Count > 2)
            terms.Add(product.Input[2]);
        return terms.Aggregate(writer.Add);
    }

    /// <summary>
    /// Row <paramref name="first"/> + slot of <paramref name="table"/> for each row's key index, a row of zeros where the key
    /// has no slot: [rows, outputs].
    /// </summary>
    private static string Gathered(OnnxGraphWriter writer, string table, int first, string key)
    {
        string row = writer.Add(writer.Node("Max", "slot", [key, writer.Int64s("one", 1)]), writer.Int64s("first", first - 1));
        return writer.Mul(writer.Node("Gather", "block.rows", [table, row], ("axis", 0L)), SlotValue(writer, key));
    }

    /// <summary>1 where the key index names a slot, else 0: [rows, 1] float (the value of a one-hot field's set slot).</summary>
    private static string SlotValue(OnnxGraphWriter writer, string key) =>
        writer.Reshape(writer.Node("Cast", "value", [writer.Node("Greater", "has.slot", [key, writer.Int64s("zero", 0)])], ("to", (long)TensorProto.Types.DataType.Float)), -1, 1);

    /// <summary>
    /// A pick of a one-hot field's slots from its key index: the slot, its value (1, or 0 for no slot), its row of the table
    /// or which slots are zero.
    /// </summary>
    private static string Pick(OnnxGraphWriter writer, NodeProto pick, string key, int slots) => pick.OpType switch
    {
        // A row of zeros has its maximum at slot 0, as ArgMax said.
        "ArgMax" => writer.Sub(writer.Node("Max", "slot", [key, writer.Int64s("one", 1)]), writer.Int64s("one", 1)),
        "MatMul" => Gathered(writer, pick.Input[1], 0, key),
        // Slot j is zero unless the key index is j + 1: [rows, slots] bool.
        "Equal" => writer.Node("Not", "zero", [writer.Node("Equal", "is.slot", [writer.Reshape(key, -1, 1), writer.Int64s("slots", [.. Enumerable.Range(1, slots).Select(j => (long)j)])])]),
        _ => SlotValue(writer, key), // ReduceMax, ReduceSum
    };

    private static ReadOnlySpan<float> Values(TensorProto tensor) => tensor.RawData.Length > 0
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span)
        : tensor.FloatData.ToArray();

    /// <summary>Orders the nodes so each comes after the nodes it reads (keeping the written order otherwise), as ONNX requires.</summary>
    private static void TopologicalOrder(GraphProto graph)
    {
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (Output: o, Node: n))).Where(p => p.Output.Length > 0).ToDictionary(p => p.Output, p => p.Node);
        var placed = new HashSet<NodeProto>();
        var order = new List<NodeProto>();
        void Place(NodeProto node)
        {
            if (!placed.Add(node))
                return;
            foreach (string input in node.Input)
                if (producers.TryGetValue(input, out var producer))
                    Place(producer);
            order.Add(node);
        }
        foreach (var node in graph.Node.ToList())
            Place(node);
        graph.Node.Clear();
        graph.Node.AddRange(order);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using MlNetMtl.MLNet;

namespace MlNetMtl.Onnx;

/// <summary>
/// A fitted <c>FeaturizeText</c> (MlNetMtl's n-gram text features), which ML.NET's converter does not write: it normalises
/// text per character (lower case, diacritics removed) before splitting words, and opset-12 ONNX cannot rebuild strings.
/// So the graph works on character codes. The text is split into characters (ONNX Runtime's Tokenizer), each mapped by a
/// LabelEncoder to the code of its normalised form (read from ML.NET's normaliser, see <see cref="TextNGramVocabulary"/>);
/// removed characters and padding are squeezed out. Character n-grams are counted over STX, the codes, ETX; word n-grams
/// over " w1 w2 … " (runs of spaces made one), where the word n-gram (w1, w2) is the code sequence " w1 w2 " — a space on
/// both sides makes it match whole words only. TfIdfVectorizer counts both, and each part is L2-normalised as ML.NET does.
/// </summary>
internal sealed class TextNGramExport(MLContext ml, OnnxGraphWriter writer)
{
    /// <summary>The padding of short rows of characters: longer than one character, so no character's string.</summary>
    private const string Padding = "<pad>";

    /// <summary>The code of padding.</summary>
    private const long Pad = -3;

    public bool TryWrite(ITransformer transformer, IDataView data, string[] produced, FeaturizationExport export)
    {
        if (transformer.GetType().DeclaringType != typeof(TextFeaturizingEstimator))
            return false;
        if (produced.Length != 1 || ml.MultiTask().InputColumns(transformer, data.Schema) is not [{ Type: TextDataViewType } input])
            throw FeaturizationExport.Refusal(transformer, produced, "the export writes it for one text column (not a vector of texts) only.");
        TextNGramVocabulary vocabulary;
        try
        {
            vocabulary = TextNGramVocabulary.Recover(ml, transformer, input.Name, transformer.GetOutputSchema(data.Schema)[produced[0]]);
        }
        catch (NotSupportedException reason)
        {
            throw FeaturizationExport.Refusal(transformer, produced, reason.Message);
        }
        if (vocabulary.CharGrams.Count + vocabulary.WordGrams.Count == 0)
            throw FeaturizationExport.Refusal(transformer, produced, "it counts no n-gram (its training texts were empty).");
        string codes = Codes(export.Read(input), vocabulary, export);
        string characters = Squeezed(writer.Concat(1, Column(codes, TextNGramVocabulary.TextStart), codes, Column(codes, TextNGramVocabulary.TextEnd)));
        string spaced = Squeezed(writer.Concat(1, Column(codes, TextNGramVocabulary.Space), codes, Column(codes, TextNGramVocabulary.Space)));
        string words = Compact(spaced, writer.Node("Not", "word.kept", [writer.Node("Or", "word.dropped", [Is(spaced, Pad), writer.Node("And", "space.run", [Is(spaced, TextNGramVocabulary.Space),
            Is(writer.Concat(1, Column(spaced, Pad), writer.Columns(spaced, 0, -1)), TextNGramVocabulary.Space)])])]));
        var parts = new[] { (Sequence: characters, Grams: vocabulary.CharGrams), (Sequence: words, Grams: vocabulary.WordGrams) }.Where(p => p.Grams.Count > 0);
        export.Set(produced[0], writer.Concat(1, [.. parts.Select(p => UnitNorm(Counts(p.Sequence, p.Grams)))]));
        return true;
    }

    /// <summary>The text's characters as codes, [rows, characters] int64 (short rows end in <see cref="Pad"/>).</summary>
    private string Codes(string text, TextNGramVocabulary vocabulary, FeaturizationExport export)
    {
        export.Opsets["com.microsoft"] = Math.Max(1, export.Opsets.GetValueOrDefault("com.microsoft"));
        export.Opsets["ai.onnx.ml"] = Math.Max(2, export.Opsets.GetValueOrDefault("ai.onnx.ml"));
        // An empty separator is the Tokenizer's character mode: one token per UTF-8 character, [rows, 1, characters].
        string characters = writer.Node("Tokenizer", "text.characters", [text], ("mark", 0L), ("mincharnum", 1L), ("pad_value", Padding), ("separators", new[] { "" }));
        writer.Graph.Node[^1].Domain = "com.microsoft";
        var codes = vocabulary.Codes.Append(new(Padding, Pad)).ToArray();
        string coded = writer.Node("LabelEncoder", "text.codes", [characters], ("keys_strings", codes.Select(c => c.Key).ToArray()),
            ("values_int64s", codes.Select(c => c.Value).ToArray()), ("default_int64", TextNGramVocabulary.Unknown));
        writer.Graph.Node[^1].Domain = "ai.onnx.ml";
        return writer.Node("Squeeze", "text.rows", [coded], ("axes", new[] { 1L }));
    }

    /// <summary>A sequence without removed characters and padding: the rest moved to the front, in order.</summary>
    private string Squeezed(string sequence) =>
        Compact(sequence, writer.Node("Not", "kept", [writer.Node("Or", "dropped", [Is(sequence, TextNGramVocabulary.Removed), Is(sequence, Pad)])]));

    /// <summary>
    /// The codes of <paramref name="sequence"/> where <paramref name="kept"/> holds, moved to the front of each row in order and
    /// the rest made <see cref="Pad"/>: the k-th kept position is the k-th smallest of "position if kept, else position + length".
    /// </summary>
    private string Compact(string sequence, string kept)
    {
        string length = writer.Node("Gather", "length", [writer.Node("Shape", "shape", [sequence]), writer.Int64Scalar("axis", 1)]);
        string positions = writer.Node("Range", "positions", [writer.Int64Scalar("zero", 0), length, writer.Int64Scalar("one", 1)]);
        string order = writer.Node("Where", "order", [kept, positions, writer.Add(positions, length)]);
        string sorted = writer.Node("TopK", "sorted", [order, writer.Reshape(length, 1)], ("axis", 1L), ("largest", 0L), ("sorted", 1L));
        string from = writer.Unique("from");
        writer.Graph.Node[^1].Output.Add(from);
        string moved = writer.Node("GatherElements", "moved", [sequence, from], ("axis", 1L));
        return writer.Node("Where", "compacted", [writer.Node("Less", "is.kept", [sorted, length]), moved, writer.Int64s("pad", Pad)]);
    }

    /// <summary>Term frequencies of <paramref name="grams"/> (each its slot) in each row of <paramref name="sequence"/>, [rows, grams] float.</summary>
    private string Counts(string sequence, IReadOnlyList<long[]> grams)
    {
        // TfIdfVectorizer's pool lists the n-grams' codes by length, shortest first; ngram_counts is the offset in the pool
        // where the n-grams of each length 1, 2, … start.
        var byLength = grams.Select((gram, slot) => (Gram: gram, Slot: (long)slot)).OrderBy(g => g.Gram.Length).ToArray();
        int shortest = byLength[0].Gram.Length, longest = byLength[^1].Gram.Length;
        var starts = Enumerable.Range(1, longest).Select(n => byLength.TakeWhile(g => g.Gram.Length < n).Sum(g => (long)g.Gram.Length)).ToArray();
        return writer.Node("TfIdfVectorizer", "ngram.counts", [sequence], ("mode", "TF"), ("min_gram_length", (long)shortest), ("max_gram_length", (long)longest),
            ("max_skip_count", 0L), ("ngram_counts", starts), ("ngram_indexes", byLength.Select(g => g.Slot).ToArray()), ("pool_int64s", byLength.SelectMany(g => g.Gram).ToArray()));
    }

    /// <summary>Each row divided by its L2 norm (a zero row stays zero).</summary>
    private string UnitNorm(string counts)
    {
        string norm = writer.Node("Sqrt", "norm", [writer.ReduceSum(writer.Mul(counts, counts), axis: 1, keep: true)]);
        return writer.Div(counts, writer.Node("Max", "norm.safe", [norm, writer.Scalar("tiny", float.Epsilon)]));
    }

    private string Is(string codes, long code) => writer.Node("Equal", "is", [codes, writer.Int64s("code", code)]);

    /// <summary>A [rows, 1] column of <paramref name="code"/>, as many rows as <paramref name="like"/> has.</summary>
    private string Column(string like, long code) =>
        writer.Node("Expand", "column", [writer.Int64s("code", code), writer.Node("Concat", "rows.one", [writer.Node("Slice", "rows", [writer.Node("Shape", "shape", [like]),
            writer.Int64s("start", 0), writer.Int64s("end", 1)]), writer.Int64s("one", 1)], ("axis", 0L))]);
}

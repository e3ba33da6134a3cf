using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetMtl.MLNet;

namespace MlNetMtl.Onnx;

/// <summary>
/// Multi-valued columns ("Action|Comedy"): the split into tokens and their bag of indicators, which ML.NET's converter writes
/// with a tokenizer ONNX Runtime gives no tokens (its separators are regular expressions, and '|' unescaped matches
/// nothing). Written here: ONNX Runtime's Tokenizer with each separator escaped, found by splitting probe text with the
/// fitted tokenizer itself; the vocabulary from the key column's values (or the bag's slot names), a LabelEncoder to keys,
/// and the bag as summed one-hot rows of those keys (key 0 — padding, an unseen token — dropped).
/// </summary>
internal sealed class TokenBagExport(MLContext ml, OnnxGraphWriter writer)
{
    /// <summary>The padding of short token rows: a character no text column's token holds.</summary>
    private const string Padding = "\u001F";

    /// <summary>Characters tried as separators (the printable ASCII that is not a letter or digit, space and tab).</summary>
    private static readonly char[] Candidates = [.. Enumerable.Range(32, 95).Select(c => (char)c).Where(c => !char.IsLetterOrDigit(c)), '\t'];

    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);

    public bool TryWrite(ITransformer transformer, IDataView data, string[] produced, FeaturizationExport export)
    {
        if (produced.Length != 1 || ml.MultiTask().InputColumns(transformer, data.Schema) is not [var input])
            return false;
        var output = transformer.GetOutputSchema(data.Schema)[produced[0]];
        string x = export.Read(input);
        if (transformer.GetType().Name == "WordTokenizingTransformer" && input.Type is TextDataViewType)
        {
            string[] separators = Separators(transformer, input.Name, produced[0]);
            export.Opsets["com.microsoft"] = Math.Max(1, export.Opsets.GetValueOrDefault("com.microsoft"));
            export.Set(produced[0], writer.Node("Tokenizer", "tokens", [x], ("mark", 0L), ("mincharnum", 1L), ("pad_value", Padding),
                ("separators", separators)));
            writer.Graph.Node[^1].Domain = "com.microsoft";
            _tokens.Add(produced[0]);
            return true;
        }
        if (_tokens.Contains(input.Name) && output.Type is VectorDataViewType { ItemType: KeyDataViewType } && Terms(output, "KeyValues") is { } keyTerms)
        {
            export.Set(produced[0], Keys(x, keyTerms, export));
            _keys[produced[0]] = keyTerms.Length;
            return true;
        }
        if (_tokens.Contains(input.Name) && transformer is OneHotEncodingTransformer && output.Type is VectorDataViewType && Terms(output, "SlotNames") is { } slotTerms)
        {
            export.Set(produced[0], Bag(Keys(x, slotTerms, export), slotTerms.Length));
            return true;
        }
        if (_keys.TryGetValue(input.Name, out int count) && transformer is KeyToVectorMappingTransformer && output.Type is VectorDataViewType { Size: var size } && size == count)
        {
            export.Set(produced[0], Bag(x, count));
            return true;
        }
        return false;
    }

    /// <summary>Token → key (1 + its index in the vocabulary; 0 for padding and unseen tokens), [rows, 1, tokens] int64.</summary>
    private string Keys(string tokens, string[] terms, FeaturizationExport export)
    {
        export.Opsets["ai.onnx.ml"] = Math.Max(2, export.Opsets.GetValueOrDefault("ai.onnx.ml"));
        string keys = writer.Node("LabelEncoder", "keys", [tokens], ("keys_strings", terms), ("values_int64s", Enumerable.Range(1, terms.Length).Select(k => (long)k).ToArray()),
            ("default_int64", 0L));
        writer.Graph.Node[^1].Domain = "ai.onnx.ml";
        return keys;
    }

    /// <summary>The bag: each key's one-hot row summed over the tokens, key 0 dropped: [rows, count].</summary>
    private string Bag(string keys, int count)
    {
        string oneHot = writer.Node("OneHot", "bag.onehot", [keys, writer.Int64s("bag.depth", count + 1), writer.Constant("bag.onoff", [0f, 1f], 2)], ("axis", -1L));
        string summed = writer.Node("ReduceSum", "bag.sum", [oneHot], ("axes", new[] { 1L, 2L }), ("keepdims", 0L)); // over the column and token axes of [rows, 1, tokens, count + 1]
        return writer.Node("Slice", "bag.kept", [summed, writer.Int64s("start", 1), writer.Int64s("end", count + 1), writer.Int64s("axis", 1)]);
    }

    /// <summary>The separators of a fitted tokenizer: the candidate characters that split "a?b" into "a" and "b", as escaped regular expressions.</summary>
    private string[] Separators(ITransformer tokenizer, string column, string tokensColumn)
    {
        var tokenized = tokenizer.Transform(TextProbe.View(ml, column, Candidates.Select(c => $"a{c}b")));
        var tokens = tokenized.GetColumn<VBuffer<ReadOnlyMemory<char>>>(tokenized.Schema[tokensColumn]).ToArray();
        var separators = Candidates.Where((_, i) => tokens[i].Length == 2).Select(Escaped).ToArray();
        return separators.Length > 0 ? separators
            : throw new NotSupportedException($"The tokenizer of '{column}' splits at no punctuation or space, so its ONNX form is not known.");
    }

    /// <summary>A separator character as an RE2 pattern: punctuation and symbols escaped, tab as \t, space as itself.</summary>
    private static string Escaped(char c) => c switch
    {
        '\t' => "\\t",
        ' ' => " ",
        _ => "\\" + c,
    };

    private static string[]? Terms(DataViewSchema.Column column, string annotation)
    {
        if (column.Annotations.Schema.GetColumnOrNull(annotation) is null)
            return null;
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.Annotations.GetValue(annotation, ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}

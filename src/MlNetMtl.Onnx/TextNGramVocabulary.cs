using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.Onnx;

/// <summary>
/// What a fitted <c>FeaturizeText</c> (word and character n-grams, term frequencies, each part L2-normalised) counts,
/// recovered through ML.NET's public surface rather than its internals: each output slot's n-gram from its slot name, and
/// what ML.NET's text normaliser makes of every character (read by normalising each character once). Slot names join an
/// n-gram's parts with '|', which a word may hold too, so a word slot is told apart by scoring probe texts; characters in
/// slot names are named as ML.NET's character tokenizer names them ("&lt;␠&gt;" for a space).
/// </summary>
internal sealed class TextNGramVocabulary
{
    /// <summary>The code of a character the normaliser removes (a combining diacritic).</summary>
    public const long Removed = -2;

    /// <summary>The code of a character no n-gram holds: it ends every n-gram it would be part of, as an unseen key does in ML.NET.</summary>
    public const long Unknown = -1;

    /// <summary>The codes of the text start and end markers of ML.NET's character tokenizer (the characters STX and ETX).</summary>
    public const long TextStart = 2, TextEnd = 3;

    /// <summary>The code of the only word separator of ML.NET's word tokenizer here.</summary>
    public const long Space = ' ';

    private const string CharPrefix = "Char.", WordPrefix = "Word.";

    /// <summary>The character n-grams of slots 0 … count − 1, as character codes (the markers included).</summary>
    public required IReadOnlyList<long[]> CharGrams { get; init; }

    /// <summary>The word n-grams of the slots after the character ones, each as the codes of " w1 w2 … " (a space before and after every word).</summary>
    public required IReadOnlyList<long[]> WordGrams { get; init; }

    /// <summary>Each input character (a one-character string) whose normalised form an n-gram holds, to that form's code; removed ones to <see cref="Removed"/>.</summary>
    public required IReadOnlyDictionary<string, long> Codes { get; init; }

    /// <summary>Recovers the vocabulary of <paramref name="featurizer"/>, which reads the text column <paramref name="input"/> and writes <paramref name="output"/>.</summary>
    /// <exception cref="NotSupportedException">The featurizer is configured other than the export follows (the reason is named).</exception>
    public static TextNGramVocabulary Recover(MLContext ml, ITransformer featurizer, string input, DataViewSchema.Column output)
    {
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        output.GetSlotNames(ref slotNames);
        string[] names = slotNames.DenseValues().Select(n => n.ToString()).ToArray();
        int chars = names.TakeWhile(n => n.StartsWith(CharPrefix, StringComparison.Ordinal)).Count();
        if (names.Skip(chars).FirstOrDefault(n => !n.StartsWith(WordPrefix, StringComparison.Ordinal)) is { } odd)
            throw new NotSupportedException($"its slot '{odd}' is neither a character n-gram nor a word n-gram after them, as FeaturizeText with both extractors names its slots.");
        var charNames = CharacterNames(ml);
        var charGrams = names.Take(chars).Select(n => ParseCharacters(n, charNames)).ToArray();
        var wordGrams = ResolveWords(ml, featurizer, input, output.Name, names, chars);
        var normalised = NormalisedCharacters(ml);
        var held = new HashSet<char>(charGrams.SelectMany(g => g).Concat(wordGrams.SelectMany(w => w.SelectMany(word => word))).Where(c => c != TextStart && c != TextEnd)) { ' ' };
        if (held.Any(char.IsSurrogate))
            throw new NotSupportedException("its words hold characters outside the Basic Multilingual Plane (emoji, …), which ONNX Runtime's tokenizer does not split as ML.NET does.");
        if (held.Where(c => !normalised.TryGetValue(c, out var form) || form != c.ToString()).Select(c => (char?)c).FirstOrDefault() is { } changed)
            throw new NotSupportedException($"its n-grams hold '{changed}', which ML.NET's default text normalisation (lower case, no diacritics) changes: it was fitted with other normalisation options.");
        var codes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (c, form) in normalised)
        {
            if (form.Length == 0)
                codes[c.ToString()] = Removed;
            else if (held.Contains(form[0]))
                codes[c.ToString()] = form[0];
        }
        return new TextNGramVocabulary
        {
            CharGrams = charGrams.Select(g => g.Select(c => (long)c).ToArray()).ToArray(),
            WordGrams = wordGrams.Select(w => (" " + string.Join(" ", w) + " ").Select(c => (long)c).ToArray()).ToArray(),
            Codes = codes,
        };
    }

    /// <summary>Every character but NUL and the surrogates, by the name ML.NET's character tokenizer gives it (names two characters share are left out).</summary>
    private static Dictionary<string, char> CharacterNames(MLContext ml)
    {
        var data = TextProbe.View(ml, "Text", ["a"]);
        var keys = ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "Text").Fit(data).GetOutputSchema(data.Schema)["Chars"];
        VBuffer<ReadOnlyMemory<char>> values = default;
        keys.GetKeyValues(ref values);
        var named = values.DenseValues().Select((name, key) => (Name: name.ToString(), Char: (char)(key + 1))).Where(n => !char.IsSurrogate(n.Char));
        return named.GroupBy(n => n.Name, StringComparer.Ordinal).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Char, StringComparer.Ordinal);
    }

    /// <summary>The characters of a character n-gram slot ("Char.a|&lt;␠&gt;|b"): the one way to read it as names joined by '|'.</summary>
    private static char[] ParseCharacters(string slot, Dictionary<string, char> names)
    {
        var parses = Parses(slot[CharPrefix.Length..], 0, names).Take(2).ToList();
        return parses.Count == 1 ? [.. parses[0]]
            : throw new NotSupportedException(parses.Count == 0
                ? $"its slot '{slot}' names a character outside the Basic Multilingual Plane (an emoji, …), which ONNX Runtime's tokenizer does not split as ML.NET does."
                : $"its slot '{slot}' reads as more than one character n-gram.");
    }

    private static IEnumerable<List<char>> Parses(string text, int at, Dictionary<string, char> names)
    {
        for (int end = at + 1; end <= text.Length; end++)
        {
            if (end < text.Length && text[end] != '|' || !names.TryGetValue(text[at..end], out char c))
                continue;
            if (end == text.Length)
                yield return [c];
            else
                foreach (var rest in Parses(text, end + 1, names))
                    yield return [c, .. rest];
        }
    }

    /// <summary>
    /// The words of each word slot. A slot "Word.a|b|c" may be the word "a|b|c" or an n-gram of "a", "b|c" …: each reading is
    /// scored as a text of its words, and the slot's n-gram is the one reading that counts it. The same probes check that
    /// both parts are L2-normalised.
    /// </summary>
    private static string[][] ResolveWords(MLContext ml, ITransformer featurizer, string input, string output, string[] names, int chars)
    {
        var readings = names.Skip(chars).Select(n => Readings(n[WordPrefix.Length..]).ToArray()).ToArray();
        var probes = readings.SelectMany(r => r).ToArray();
        var scored = featurizer.Transform(TextProbe.View(ml, input, probes.Select(words => string.Join(" ", words))));
        var vectors = scored.GetColumn<VBuffer<float>>(scored.Schema[output]).Select(v => v.DenseValues().ToArray()).ToArray();
        foreach (var vector in vectors)
            CheckUnitNorm(vector.AsSpan(0, chars), "character", names[0]);
        foreach (var vector in vectors)
            CheckUnitNorm(vector.AsSpan(chars), "word", names[^1]);
        var words = new string[readings.Length][];
        int probe = 0;
        for (int w = 0; w < readings.Length; w++)
        {
            var counting = readings[w].Where((_, r) => vectors[probe + r][chars + w] > 0).ToArray();
            probe += readings[w].Length;
            words[w] = counting.Length == 1 ? counting[0]
                : throw new NotSupportedException($"its slot '{names[chars + w]}' is counted by {(counting.Length == 0 ? "no" : "more than one")} text of its words, so its n-gram is not known.");
        }
        return words;
    }

    /// <summary>The ways to read a word slot as words: cut at any of its '|' (at most three cuts: n-grams of up to four words).</summary>
    private static IEnumerable<string[]> Readings(string slot)
    {
        int[] bars = [.. Enumerable.Range(0, slot.Length).Where(i => slot[i] == '|')];
        for (int mask = 0; mask < 1 << Math.Min(bars.Length, 16); mask++)
        {
            if (int.PopCount(mask) > 3)
                continue;
            var cuts = bars.Where((_, b) => (mask & 1 << b) != 0).ToArray();
            var words = cuts.Prepend(-1).Zip(cuts.Append(slot.Length), (from, to) => slot[(from + 1)..to]).ToArray();
            if (words.All(w => w.Length > 0))
                yield return words;
        }
    }

    private static void CheckUnitNorm(ReadOnlySpan<float> part, string kind, string slot)
    {
        double squares = 0;
        foreach (float v in part)
            squares += v * v;
        if (squares > 0 && Math.Abs(squares - 1) > 1e-4)
            throw new NotSupportedException($"its {kind} n-gram counts (slots from '{slot}') are not L2-normalised (sum of squares {squares:G4}), and the export writes the L2 norm.");
    }

    /// <summary>What ML.NET's text normaliser with FeaturizeText's defaults makes of each character but NUL and the surrogates (one character, or none).</summary>
    private static Dictionary<char, string> NormalisedCharacters(MLContext ml)
    {
        var characters = Enumerable.Range(1, char.MaxValue).Select(c => (char)c).Where(c => !char.IsSurrogate(c)).ToArray();
        var data = TextProbe.View(ml, "Text", characters.Select(c => c.ToString()));
        var normalised = ml.Transforms.Text.NormalizeText("Normalised", "Text").Fit(data).Transform(data).GetColumn<ReadOnlyMemory<char>>("Normalised");
        var forms = characters.Zip(normalised, (c, form) => (c, Form: form.ToString())).ToDictionary(p => p.c, p => p.Form);
        return forms.Values.All(f => f.Length <= 1) ? forms
            : throw new NotSupportedException("ML.NET's text normaliser makes more than one character of one, which the export does not follow.");
    }
}

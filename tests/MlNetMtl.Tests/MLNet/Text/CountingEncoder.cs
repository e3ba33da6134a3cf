using MlNetMtl.MLNet.Text;

namespace MlNetMtl.Tests.MLNet.Text;

/// <summary>
/// A stand-in sentence encoder for the transform's tests: a text's vector is fixed by its characters (so it is checkable),
/// and every text it is asked for is counted, so a test sees what the cache spared it.
/// </summary>
public sealed class CountingEncoder : ITextEncoder
{
    private long _encoded;

    /// <summary>What <see cref="Version"/> says; a test changes it to play an upgraded package.</summary>
    public static string CurrentVersion { get; set; } = "1";

    public string Name => "counting";
    public string Version { get; } = CurrentVersion;
    public string Package => "MlNetMtl.Tests";
    public int Dimension => 5;
    public int MaxTokens => 1_000;
    /// <summary>Texts encoded so far.</summary>
    public long Encoded => Interlocked.Read(ref _encoded);

    public void Encode(IReadOnlyList<string> texts, Span<float> vectors)
    {
        Interlocked.Add(ref _encoded, texts.Count);
        for (int i = 0; i < texts.Count; i++)
            Expected(texts[i]).CopyTo(vectors.Slice(i * Dimension, Dimension));
    }

    /// <summary>The vector of <paramref name="text"/>: its length, its first and last characters, its character sum, 1.</summary>
    public static float[] Expected(string text) => [text.Length, text[0], text[^1], text.Sum(c => (float)c), 1f];
}

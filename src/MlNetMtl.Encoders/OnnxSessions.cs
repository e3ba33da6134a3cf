using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace MlNetMtl.Encoders;

/// <summary>
/// One ONNX Runtime session per (model, thread count), made on first use and kept for the process: sessions are
/// thread-safe, and loading a model costs far more than a run. Every session runs its operators one after another
/// (<c>ORT_SEQUENTIAL</c>, one inter-op thread) on the intra-op threads asked for.
/// </summary>
internal static class OnnxSessions
{
    private static readonly ConcurrentDictionary<(string Model, int Threads), Lazy<InferenceSession>> Sessions = new();

    /// <summary>
    /// The session of <paramref name="model"/> (named <paramref name="name"/>) on <paramref name="threads"/> threads
    /// (0: every core), made lazily; with ONNX Runtime Extensions' operators registered when <paramref name="extensions"/>.
    /// </summary>
    public static Lazy<InferenceSession> Get(string name, Lazy<byte[]> model, int threads, bool extensions = false) =>
        Sessions.GetOrAdd((name, threads), key => new Lazy<InferenceSession>(() =>
        {
            using var options = new SessionOptions { IntraOpNumThreads = key.Threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            if (extensions)
                options.RegisterOrtExtensions();
            return new InferenceSession(model.Value, options);
        }));

    /// <summary>The bytes of the manifest resource <paramref name="name"/> of <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">The resource is missing (the package to reinstall is named).</exception>
    public static byte[] Resource(System.Reflection.Assembly assembly, string name, string package)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{package} lacks its resource '{name}': reinstall the package.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}

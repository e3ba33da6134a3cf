using System.Reflection;
using System.Text.RegularExpressions;
using MlNetMtl.MLNet;

namespace MlNetMtl.Cli;

/// <summary>
/// Turns an exception into the one line a user reads: the innermost meaningful message — the cause, not the wrapper that
/// ML.NET's threads or reflection put around it — without .NET's "(Parameter 'x')" and "Actual value was" tails.
/// </summary>
internal static partial class CliErrors
{
    /// <summary>Exception types that mean "your input or options are wrong", as opposed to a defect of ours.</summary>
    private static readonly Type[] Expected =
    [
        typeof(ArgumentException), typeof(InvalidOperationException), typeof(IOException), typeof(InvalidDataException),
        typeof(UnauthorizedAccessException), typeof(FormatException), typeof(NotSupportedException), typeof(OutOfMemoryException),
        typeof(TimeoutException), // another process of a distributed run stopped or hangs
    ];

    /// <summary>The cause of <paramref name="error"/> as one line, and whether it is an expected error (not a defect).</summary>
    public static (string Message, bool Expected) Describe(Exception error)
    {
        var chain = Chain(error).ToList();
        var innermost = chain[^1];
        string cause = Clean(innermost);
        // An outer exception that repeats the cause and adds context (a file name, a task) says more; a wrapper that does not repeat it says less.
        var best = chain.FirstOrDefault(e => e != innermost && Clean(e).Contains(cause, StringComparison.Ordinal)) ?? innermost;
        string message = Clean(best);
        bool expected = Expected.Any(t => t.IsInstanceOfType(innermost));
        if (innermost is OutOfMemoryException)
            message = "out of memory: " + message + " Give the run less to hold (fewer rows, narrower features or layers, --shuffle-buffer-rows).";
        return (expected ? message : $"internal error ({innermost.GetType().Name}): {message} This is a defect of mlnet-mtl; run with --verbosity detailed for the stack trace.", expected);
    }

    /// <summary>The innermost cause of <paramref name="error"/>: what it is, whatever ML.NET's threads or reflection wrapped it in.</summary>
    public static Exception Cause(Exception error) => Chain(error).Last();

    /// <summary>The exception and its causes, outermost first (the first inner exception of an aggregate).</summary>
    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var current = error; current is not null; current = current is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : current.InnerException)
            yield return current;
    }

    private static string Clean(Exception error)
    {
        string message = error.Message;
        if (error is ArgumentException { ParamName: { } name })
            message = ParameterTail(name).Replace(message, "");
        if (error is ArgumentOutOfRangeException)
            message = ActualValue().Replace(message, "");
        message = Whitespace().Replace(message, " ").Trim();
        // An option's check names its property (EmbeddingSize); the user typed its flag.
        if (error is ArgumentException { ParamName: { } parameter } && Flag(parameter) is { } flag && !message.Contains(flag, StringComparison.Ordinal))
            message += $" ({flag})";
        return message;
    }

    /// <summary>
    /// The command-line flag of the setting whose property is <paramref name="property"/> (or <c>Group.Property</c>, e.g.
    /// <c>Privacy.Epsilon</c>, the property of the options type named Group…), when exactly one setting matches.
    /// </summary>
    private static string? Flag(string property)
    {
        string[] parts = property.Split('.');
        var flags = TrainerSettings.All.Where(s => s.Property.Name == parts[^1] && (parts.Length == 1 || s.Property.DeclaringType!.Name.StartsWith(parts[0], StringComparison.Ordinal)))
            .Select(s => s.Flag).Distinct().ToArray();
        return flags.Length == 1 ? "--" + flags[0] : null;
    }

    private static Regex ParameterTail(string name) => new($@"\s*\(Parameter '{Regex.Escape(name)}'\)", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\s*Actual value was .*$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ActualValue();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    /// <summary>Whether an exception is the trace of a cancellation (Ctrl-C, SIGTERM), however wrapped.</summary>
    public static bool IsCancellation(Exception error) => Chain(error).Any(e => e is OperationCanceledException) || error is TargetInvocationException { InnerException: OperationCanceledException };
}

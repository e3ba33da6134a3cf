using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MlNetMtl.MLNet.Persistence;

/// <summary>
/// The one place that reaches ML.NET internals. ML.NET 5.0.1 has no public way for an outside transformer to be
/// saved by <c>mlContext.Model.Save</c> and loaded by <c>mlContext.Model.Load</c> (dotnet/machinelearning#4911,
/// #6839). On save this calls the internal <c>ModelSaveContext.CheckAtModel</c> and <c>SetVersionInfo</c> and writes
/// our payload to its internal <c>Writer</c>; for load it registers a loadable class for our loader signature
/// with each <see cref="MLContext"/>'s component catalog (internal <c>ComponentCatalog.AddClass</c>). It also reads a
/// context's seed and cancellation state, which ML.NET 5.0.1 keeps internal. These names are unchanged from ML.NET
/// 3.0 to 5.0.1; the package is pinned and round trips are tested.
/// </summary>
internal static class MlNetInternals
{
    /// <summary>Eight characters identifying our entries in a model file.</summary>
    private const string ModelSignature = "MLNETMTL";
    /// <summary>The name ML.NET looks the multi-task transformer's loader up by.</summary>
    public const string MultiTaskSignature = "MlNetMtlMultiTaskXf"; // ML.NET allows at most 24 characters
    /// <summary>The name ML.NET looks the pretrained-embedding transformer's loader up by (named when it embedded text only).</summary>
    public const string SentenceEmbeddingSignature = "MlNetMtlSentenceEmbedXf";

    /// <summary>Each of our entries' loader signature with the factory that reads its payload.</summary>
    private static readonly (string Signature, Type Loader, string Description)[] Entries =
    [
        (MultiTaskSignature, typeof(MultiTaskTransformerLoader), "MlNetMtl multi-task transformer"),
        (SentenceEmbeddingSignature, typeof(PretrainedEmbeddingTransformerLoader), "MlNetMtl pretrained-embedding transformer"),
    ];
    /// <summary>Version of the entry (high word major, low word minor), written, readable and the oldest we read.</summary>
    private const uint EntryVersion = 0x00010001;

    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
    private static readonly Assembly Core = typeof(ModelSaveContext).Assembly;
    private static readonly ConditionalWeakTable<ComponentCatalog, object> RegisteredCatalogs = new();

    /// <summary>Writes an entry: the header ML.NET needs to find the loader of <paramref name="signature"/>, then <paramref name="payload"/>.</summary>
    public static void Save(ModelSaveContext ctx, string signature, Action<BinaryWriter> payload)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Invoke(ctx, "CheckAtModel", []);
        Invoke(ctx, "SetVersionInfo", [CreateVersionInfo(signature)]);
        payload(Field<BinaryWriter>(ctx, "Writer"));
    }

    /// <summary>Makes <paramref name="context"/> able to load our entries; idempotent.</summary>
    public static void Register(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Register(context.ComponentCatalog);
    }

    /// <summary>Makes the context behind <paramref name="catalog"/> (its internal <c>_env</c>) able to load our entries; idempotent.</summary>
    public static void Register(TransformsCatalog.TextTransforms catalog) => RegisterEnvironmentOf(catalog);

    /// <inheritdoc cref="Register(TransformsCatalog.TextTransforms)"/>
    public static void Register(TransformsCatalog catalog) => RegisterEnvironmentOf(catalog);

    private static void RegisterEnvironmentOf(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Register(Field<IHostEnvironment>(catalog, "_env").ComponentCatalog);
    }

    private static void Register(ComponentCatalog catalog)
    {
        lock (RegisteredCatalogs)
        {
            if (RegisteredCatalogs.TryGetValue(catalog, out _))
                return;
            var attributeType = Type("Microsoft.ML.LoadableClassAttribute");
            var infoType = typeof(ComponentCatalog).GetNestedType("LoadableClassInfo", Any) ?? throw Changed("ComponentCatalog.LoadableClassInfo");
            var constructor = infoType.GetConstructors(Any).SingleOrDefault(c => c.GetParameters().Length == 5) ?? throw Changed("LoadableClassInfo constructor");
            foreach (var (signature, loader, description) in Entries)
            {
                var attribute = Activator.CreateInstance(attributeType,
                    typeof(ITransformer), loader, null, Type("Microsoft.ML.SignatureLoadModel"), description, new[] { signature })!;
                var create = loader.GetMethod("Create", Any) ?? throw new MissingMethodException(loader.Name, "Create");
                var info = constructor.Invoke([attribute, null, null, create, true]);
                Invoke(catalog, "AddClass", [info, new[] { signature }, true]);
            }
            RegisteredCatalogs.Add(catalog, new object());
        }
    }

    /// <summary>Checks the entry header against <paramref name="signature"/> and our versions, then returns the payload reader.</summary>
    public static BinaryReader OpenEntry(object loadContext, string signature)
    {
        var checkAtModel = loadContext.GetType().GetMethod("CheckAtModel", Any, [Type("Microsoft.ML.VersionInfo")]) ?? throw Changed("ModelLoadContext.CheckAtModel");
        try
        {
            checkAtModel.Invoke(loadContext, [CreateVersionInfo(signature)]);
        }
        catch (TargetInvocationException error) when (error.InnerException is not null)
        {
            throw new InvalidDataException($"The model entry is not a readable MlNetMtl entry: {error.InnerException.Message}", error.InnerException);
        }
        return Field<BinaryReader>(loadContext, "Reader");
    }

    /// <summary>The seed the context was created with (the internal <c>IHostEnvironmentInternal.Seed</c>), or null for an unseeded context.</summary>
    public static int? Seed(MLContext context)
    {
        var property = typeof(MLContext).GetProperty("Microsoft.ML.Runtime.IHostEnvironmentInternal.Seed", Any) ?? throw Changed("IHostEnvironmentInternal.Seed");
        return (int?)property.GetValue(context);
    }

    /// <summary>Whether the context's execution was cancelled (the internal <c>ICancelable.IsCanceled</c>).</summary>
    public static bool IsCanceled(MLContext context) =>
        (bool)(Type("Microsoft.ML.Runtime.ICancelable").GetProperty("IsCanceled", Any)?.GetValue(Field<object>(context, "_env")) ?? throw Changed("ICancelable.IsCanceled"));

    /// <summary>Cancels the context's execution: the internal <c>MLContext.CancelExecution</c>, public in later ML.NET versions.</summary>
    public static void CancelExecution(MLContext context) => Invoke(context, "CancelExecution", []);

    private static object CreateVersionInfo(string signature) =>
        Activator.CreateInstance(Type("Microsoft.ML.VersionInfo"), ModelSignature, EntryVersion, EntryVersion, EntryVersion,
            typeof(MlNetInternals).Assembly.FullName, signature, null)!;

    private static Type Type(string name) => Core.GetType(name) ?? throw Changed(name);

    private static void Invoke(object target, string method, object?[] arguments)
    {
        var info = target.GetType().GetMethods(Any).SingleOrDefault(m => m.Name == method && m.GetParameters().Length == arguments.Length)
            ?? throw Changed($"{target.GetType().Name}.{method}");
        try
        {
            info.Invoke(target, arguments);
        }
        catch (TargetInvocationException error) when (error.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error.InnerException).Throw();
        }
    }

    private static T Field<T>(object target, string name) =>
        (T)(target.GetType().GetField(name, Any)?.GetValue(target) ?? throw Changed($"{target.GetType().Name}.{name}"));

    private static NotSupportedException Changed(string what) =>
        new($"MlNetMtl's model save/load needs ML.NET 5.0.1's internal '{what}', which this ML.NET ({Core.GetName().Version}) does not have.");
}

/// <summary>The loader ML.NET calls, through the registration above, for each of our entries in a model file.</summary>
internal static class MultiTaskTransformerLoader
{
    /// <summary>ML.NET's SignatureLoadModel factory: (environment, ModelLoadContext) → transformer.</summary>
    public static ITransformer Create(IHostEnvironment env, object ctx) => MultiTaskModelFormat.Read(MlNetInternals.OpenEntry(ctx, MlNetInternals.MultiTaskSignature));
}

/// <summary>The loader ML.NET calls for each of our pretrained-embedding entries.</summary>
internal static class PretrainedEmbeddingTransformerLoader
{
    /// <summary>ML.NET's SignatureLoadModel factory: (environment, ModelLoadContext) → transformer.</summary>
    public static ITransformer Create(IHostEnvironment env, object ctx) =>
        Pretrained.PretrainedEmbeddingFormat.Read(MlNetInternals.OpenEntry(ctx, MlNetInternals.SentenceEmbeddingSignature));
}

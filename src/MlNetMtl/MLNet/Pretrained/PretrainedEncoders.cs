namespace MlNetMtl.MLNet.Pretrained;

/// <summary>Makes a pretrained encoder found by name in the package that provides it (the core references none).</summary>
internal static class PretrainedEncoders
{
    /// <summary>The package of MlNetMtl's own encoders (MiniLM for text, ResNet18 for images).</summary>
    public const string EncodersPackage = "MlNetMtl.Encoders";

    /// <summary>Whether the type <paramref name="typeName"/> of <see cref="EncodersPackage"/> is in this process.</summary>
    public static bool Available(string typeName) => PluginTypes.Find(typeName, EncodersPackage) is not null;

    /// <summary>The encoder of type <paramref name="typeName"/> in <paramref name="assemblyName"/>, made by its parameterless constructor.</summary>
    /// <exception cref="InvalidOperationException">The assembly is not in this process (the package to add is named).</exception>
    public static T Create<T>(string typeName, string assemblyName, string package, string name) where T : class, IPretrainedEncoder =>
        PluginTypes.Create<T>(typeName, assemblyName,
            () => $"The pretrained encoder '{name}' ({typeName}) is not in this process: add the NuGet package {package} to the project.");
}

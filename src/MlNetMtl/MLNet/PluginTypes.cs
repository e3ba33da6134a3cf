namespace MlNetMtl.MLNet;

/// <summary>Finds a type of a package that may be absent (the pretrained encoders), without a missing-assembly fault.</summary>
internal static class PluginTypes
{
    /// <summary>The type <paramref name="typeName"/> of assembly <paramref name="assemblyName"/>, or null when the process lacks it.</summary>
    public static Type? Find(string typeName, string assemblyName)
    {
        try
        {
            return Type.GetType($"{typeName}, {assemblyName}", throwOnError: false);
        }
        catch (IOException)
        {
            return null; // the assembly is listed but its file is gone
        }
    }

    /// <summary>A new <typeparamref name="T"/> of that type, by its parameterless constructor; <paramref name="missing"/> when the type is absent.</summary>
    public static T Create<T>(string typeName, string assemblyName, Func<string> missing) where T : class
    {
        var type = Find(typeName, assemblyName) ?? throw new InvalidOperationException(missing());
        return Activator.CreateInstance(type) as T ?? throw new InvalidOperationException($"{typeName} in {assemblyName} is not an {typeof(T).Name}.");
    }
}

using Mono.Cecil;

namespace MlNetMtl.Tests.Architecture;

/// <summary>
/// The layers depend one way — kernels → network/training → ML.NET → data sets → experiments → CLI — checked on every
/// type reference the compiled assemblies hold: base types, interfaces, fields, signatures, attributes, generic
/// arguments, locals and the instructions of every method body (read from the IL with Mono.Cecil).
/// </summary>
public class LayeringTests
{
    /// <summary>The layers, lowest first, by namespace prefix.</summary>
    private static readonly (string Layer, string[] Namespaces)[] Layers =
    [
        ("files", ["MlNetMtl.IO"]),
        ("settings", ["MlNetMtl.Settings"]),
        ("kernels", ["MlNetMtl.Numerics"]),
        ("data", ["MlNetMtl.Data"]),
        ("metrics", ["MlNetMtl.Evaluation"]),
        ("network", ["MlNetMtl.Networks"]),
        ("training", ["MlNetMtl.Training"]),
        ("ML.NET integration", ["MlNetMtl.MLNet"]),
        ("encoders", ["MlNetMtl.Encoders"]),
        ("ONNX export", ["MlNetMtl.Onnx"]),
        ("data sets", ["MlNetMtl.Datasets"]),
        ("experiments", ["MlNetMtl.Experiments"]),
        ("CLI", ["MlNetMtl.Cli"]),
    ];

    /// <summary>The layer that may first use ML.NET.</summary>
    private const string FirstMlNetLayer = "ML.NET integration";

    private static readonly string[] Assemblies = ["MlNetMtl.dll", "MlNetMtl.Encoders.dll", "MlNetMtl.Onnx.dll", "MlNetMtl.Experiments.dll", "mlnet-mtl.dll"];

    private static int LayerOf(string? ns)
    {
        for (int i = 0; i < Layers.Length; i++)
            if (ns is not null && Layers[i].Namespaces.Any(n => ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal)))
                return i;
        return -1;
    }

    /// <summary>Every (type, referenced type) pair of our assemblies, the referenced type's assembly with it.</summary>
    private static List<(TypeDefinition From, TypeReference To)> References()
    {
        var pairs = new List<(TypeDefinition, TypeReference)>();
        foreach (string file in Assemblies)
        {
            using var module = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, file));
            foreach (var type in module.GetTypes())
                foreach (var reference in Referenced(type))
                    pairs.Add((type, reference));
        }
        return pairs;
    }

    private static IEnumerable<TypeReference> Referenced(TypeDefinition type)
    {
        if (type.BaseType is not null)
            yield return type.BaseType;
        foreach (var i in type.Interfaces)
            yield return i.InterfaceType;
        foreach (var a in type.CustomAttributes)
            yield return a.AttributeType;
        foreach (var field in type.Fields)
        {
            yield return field.FieldType;
            foreach (var a in field.CustomAttributes)
                yield return a.AttributeType;
        }
        foreach (var property in type.Properties)
            yield return property.PropertyType;
        foreach (var method in type.Methods)
        {
            yield return method.ReturnType;
            foreach (var parameter in method.Parameters)
                yield return parameter.ParameterType;
            foreach (var a in method.CustomAttributes)
                yield return a.AttributeType;
            if (!method.HasBody)
                continue;
            foreach (var local in method.Body.Variables)
                yield return local.VariableType;
            foreach (var instruction in method.Body.Instructions)
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        yield return t;
                        break;
                    case MethodReference m:
                        yield return m.DeclaringType;
                        yield return m.ReturnType;
                        foreach (var p in m.Parameters)
                            yield return p.ParameterType;
                        if (m is GenericInstanceMethod g)
                            foreach (var argument in g.GenericArguments)
                                yield return argument;
                        break;
                    case FieldReference f:
                        yield return f.DeclaringType;
                        yield return f.FieldType;
                        break;
                }
        }
    }

    /// <summary>A type and the types it is built of: element types and generic arguments.</summary>
    private static IEnumerable<TypeReference> Parts(TypeReference type)
    {
        switch (type)
        {
            case GenericInstanceType generic:
                yield return generic.ElementType;
                foreach (var argument in generic.GenericArguments.SelectMany(Parts))
                    yield return argument;
                break;
            case TypeSpecification specification:
                foreach (var part in Parts(specification.ElementType))
                    yield return part;
                break;
            case GenericParameter:
                break;
            default:
                yield return type;
                break;
        }
    }

    private static string Namespace(TypeReference type) => type.DeclaringType is { } outer ? Namespace(outer) : type.Namespace;

    private static string AssemblyOf(TypeReference type) => type.Scope switch
    {
        ModuleDefinition module => module.Assembly.Name.Name,
        AssemblyNameReference name => name.Name,
        _ => type.Scope?.Name ?? "",
    };

    [Test]
    public void EveryTypeReference_PointsDownTheLayers()
    {
        int mlNet = Array.FindIndex(Layers, l => l.Layer == FirstMlNetLayer);
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (from, reference) in References())
        {
            // Types the compiler makes (<Module>, attributes, regex code) and the CLI's top-level Program sit outside our namespaces.
            int layer = from.FullName == "Program" ? Layers.Length - 1 : LayerOf(Namespace(from));
            if (layer < 0)
            {
                Assert.That(Namespace(from), Does.Not.StartWith("MlNetMtl"), $"{from.FullName} is in no layer");
                continue;
            }
            foreach (var to in Parts(reference))
            {
                int target = LayerOf(Namespace(to));
                if (target > layer)
                    offenders.Add($"{from.FullName} ({Layers[layer].Layer}) uses {to.FullName} ({Layers[target].Layer})");
                if (layer < mlNet && AssemblyOf(to).StartsWith("Microsoft.ML", StringComparison.Ordinal))
                    offenders.Add($"{from.FullName} ({Layers[layer].Layer}) uses ML.NET's {to.FullName}");
            }
        }
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void TheCheck_ReadsMethodBodies()
    {
        // MultiTaskNetworkTrainer creates its MultiTaskTrainer in a method body only: the check must see that reference.
        var trainer = References().Where(p => p.From.FullName == "MlNetMtl.MLNet.MultiTaskNetworkTrainer").SelectMany(p => Parts(p.To)).Select(t => t.FullName);
        Assert.That(trainer, Does.Contain("MlNetMtl.Training.MultiTaskTrainer"));
        var fields = typeof(MlNetMtl.MLNet.MultiTaskNetworkTrainer).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic).Select(f => f.FieldType);
        Assert.That(fields, Does.Not.Contain(typeof(MlNetMtl.Training.MultiTaskTrainer)), "the reference is in a body, not a field");
    }

    [Test]
    public void NamespacesFollowFolders()
    {
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        string src = Path.Combine(root, "src");
        if (!Directory.Exists(src))
            Assert.Ignore($"The sources are not at {src}.");
        var wrong = new List<string>();
        foreach (string project in Directory.GetDirectories(src))
            foreach (string file in Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
            {
                string folder = Path.GetRelativePath(project, Path.GetDirectoryName(file)!);
                string expected = Path.GetFileName(project) == "MlNetMtl.Cli" ? "MlNetMtl.Cli" : Path.GetFileName(project);
                if (folder != ".")
                    expected += "." + folder.Replace(Path.DirectorySeparatorChar, '.');
                var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("namespace ", StringComparison.Ordinal));
                if (line is not null && line != $"namespace {expected};")
                    wrong.Add($"{Path.GetRelativePath(root, file)}: {line} (expected {expected})");
            }
        Assert.That(wrong, Is.Empty);
    }
}

using System.Reflection;
using MlNetMtl.Networks;

namespace MlNetMtl.Tests.Architecture;

/// <summary>The layers depend one way: kernels, network and training know nothing of ML.NET.</summary>
public class LayeringTests
{
    private static readonly string[] CoreNamespaces = ["MlNetMtl.Numerics", "MlNetMtl.Networks", "MlNetMtl.Training", "MlNetMtl.Data"];

    [Test]
    public void CoreLayers_UseNoMlNetTypes()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var offenders = new List<string>();
        foreach (var type in typeof(SharedBottomNetwork).Assembly.GetTypes().Where(t => CoreNamespaces.Any(n => t.Namespace == n || t.Namespace?.StartsWith(n + ".", StringComparison.Ordinal) == true)))
        {
            var used = type.GetFields(all).Select(f => f.FieldType)
                .Concat(type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .Concat(type.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)))
                .Concat(type.GetInterfaces()).Append(type.BaseType ?? typeof(object));
            offenders.AddRange(used.Where(t => t.Assembly.GetName().Name?.StartsWith("Microsoft.ML", StringComparison.Ordinal) == true)
                .Select(t => $"{type.FullName} uses {t.FullName}"));
        }
        Assert.That(offenders, Is.Empty);
    }
}

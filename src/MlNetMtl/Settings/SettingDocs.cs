using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MlNetMtl.Settings;

/// <summary>A property's XML documentation summary, read from the documentation file beside its assembly: a setting's documentation is written once, on its property.</summary>
internal static partial class SettingDocs
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> Files = new();

    public static string Summary(PropertyInfo property)
    {
        var docs = Files.GetOrAdd(property.DeclaringType!.Assembly, Load);
        return docs.TryGetValue($"P:{property.DeclaringType!.FullName!.Replace('+', '.')}.{property.Name}", out var summary) ? summary : "";
    }

    private static IReadOnlyDictionary<string, string> Load(Assembly assembly)
    {
        string path = Path.ChangeExtension(assembly.Location, ".xml");
        if (assembly.Location.Length == 0 || !File.Exists(path))
            return new Dictionary<string, string>();
        return XDocument.Load(path).Descendants("member")
            .Where(m => m.Attribute("name") is not null && m.Element("summary") is not null)
            .GroupBy(m => m.Attribute("name")!.Value)
            .ToDictionary(g => g.Key, g => Text(g.First().Element("summary")!));
    }

    /// <summary>The summary as plain text: a cross reference as its short name, whitespace collapsed.</summary>
    private static string Text(XElement summary)
    {
        foreach (var reference in summary.Descendants().Where(e => e.Name == "see" || e.Name == "paramref" || e.Name == "typeparamref").ToArray())
        {
            string name = ((string?)reference.Attribute("cref") ?? (string?)reference.Attribute("name") ?? (string?)reference.Attribute("langword") ?? "").Split('(')[0];
            reference.ReplaceWith(name[(name.LastIndexOfAny(['.', ':']) + 1)..]);
        }
        return Whitespace().Replace(summary.Value, " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

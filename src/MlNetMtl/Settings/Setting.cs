using System.Globalization;
using System.Reflection;

namespace MlNetMtl.Settings;

/// <summary>
/// One declared setting (a property marked <see cref="SettingAttribute"/>): what the command line, the experiment's
/// search and the code generator know of it — its flag, value type, default, documentation — and how its values are
/// read from text, shown, and written as C#.
/// </summary>
public sealed class Setting
{
    private Setting(PropertyInfo[] path, SettingAttribute declaration)
    {
        Path = path;
        Flag = declaration.Flag;
        NotSearched = declaration.NotSearched;
        Candidates = (declaration.Search ?? []).Select(Parse).ToArray();
    }

    /// <summary>The properties from the options object to the setting: one, or a group's then the setting's (<c>Schedule.WarmupSteps</c>).</summary>
    public IReadOnlyList<PropertyInfo> Path { get; }
    /// <summary>The declaring property.</summary>
    public PropertyInfo Property => Path[^1];
    /// <summary>The property's name, e.g. <c>BottomWidths</c>.</summary>
    public string Name => Property.Name;
    /// <summary>The command-line name without the dashes, e.g. <c>bottom</c>.</summary>
    public string Flag { get; }
    /// <summary>The options type that declares it (or the group property that leads to it).</summary>
    public Type Owner => Path[0].DeclaringType!;
    /// <summary>The value type.</summary>
    public Type ValueType => Property.PropertyType;
    /// <summary>The XML documentation's summary of the property, or "" when the documentation file is absent.</summary>
    public string Description => SettingDocs.Summary(Property);
    /// <summary>The values the experiment's search tries (empty when it does not search this setting).</summary>
    public IReadOnlyList<object?> Candidates { get; }
    /// <summary>Why the search keeps this setting fixed (null when it has <see cref="Candidates"/>).</summary>
    public string? NotSearched { get; }

    /// <summary>Whether options of type <paramref name="optionsType"/> have this setting.</summary>
    public bool AppliesTo(Type optionsType) => Owner.IsAssignableFrom(optionsType);

    /// <summary>The settings of <paramref name="type"/> (its groups' included), its base types' first, in declaration order.</summary>
    public static IReadOnlyList<Setting> Of(Type type) => Cache.GetOrAdd(type, t => Collect(t, []).ToArray());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, IReadOnlyList<Setting>> Cache = new();

    private static IEnumerable<Setting> Collect(Type type, PropertyInfo[] prefix)
    {
        foreach (var property in Hierarchy(type).SelectMany(level => level.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                     .OrderBy(p => p.MetadataToken)))
        {
            PropertyInfo[] path = [.. prefix, property];
            if (property.GetCustomAttribute<SettingAttribute>() is { } declaration)
                yield return new Setting(path, declaration);
            else if (property.GetCustomAttribute<SettingGroupAttribute>() is not null)
                foreach (var inner in Collect(property.PropertyType, path))
                    yield return inner;
        }
    }

    private static IEnumerable<Type> Hierarchy(Type type)
    {
        var levels = new Stack<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            levels.Push(t);
        return levels;
    }

    /// <summary>The value in <paramref name="options"/>.</summary>
    public object? Get(object options)
    {
        object? current = options;
        foreach (var property in Path)
            current = property.GetValue(current);
        return current;
    }

    /// <summary>
    /// Sets the value in <paramref name="options"/> (init-only properties included), in place: call it on a copy of
    /// which the groups are the copy's own (<see cref="SettingValues.ApplyTo{T}"/> does both).
    /// </summary>
    internal void Set(object options, object? value)
    {
        object parent = options;
        foreach (var property in Path.Take(Path.Count - 1))
            parent = property.GetValue(parent) ?? throw new InvalidOperationException($"{property.Name} is null: {this} cannot be set.");
        Property.SetValue(parent, value);
    }

    /// <summary>The value of a fresh <paramref name="optionsType"/> (the default, for that concrete type).</summary>
    public object? DefaultOf(Type optionsType) => Get(Activator.CreateInstance(optionsType)!);

    /// <summary>Reads a value from command-line text.</summary>
    /// <exception cref="ArgumentException">The text is not a value of the setting's type (the form is said).</exception>
    public object? Parse(string text)
    {
        var type = Nullable.GetUnderlyingType(ValueType) ?? ValueType;
        string Bad(string form) => $"--{Flag} '{text}' is not {form}.";
        if (type == typeof(int[]))
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(w => int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"'{w}' in '{text}' is not a layer width."))
                .ToArray();
        if (type == typeof(int))
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : throw new ArgumentException(Bad("a whole number"));
        if (type == typeof(float))
            return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) ? f : throw new ArgumentException(Bad("a number"));
        if (type == typeof(double))
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw new ArgumentException(Bad("a number"));
        if (type == typeof(bool))
            return bool.TryParse(text, out bool b) ? b : throw new ArgumentException(Bad("true or false"));
        if (type.IsEnum)
            return Enum.TryParse(type, text, ignoreCase: true, out var e) && Enum.IsDefined(type, e!) ? e
                : throw new ArgumentException(Bad(string.Join(", ", Enum.GetNames(type))));
        if (type == typeof(string))
            return text;
        throw new NotSupportedException($"Setting {Owner.Name}.{Name} has type {type.Name}, which has no text form.");
    }

    /// <summary>A value as text, as the command line takes it: <c>256,128</c>, <c>0.001</c>, <c>Adam</c>.</summary>
    public static string Format(object? value) => value switch
    {
        null => "none",
        int[] widths => string.Join(",", widths),
        float f => f.ToString("G", CultureInfo.InvariantCulture),
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A value as a C# expression: <c>[256, 128]</c>, <c>0.001f</c>, <c>OptimizerKind.Adam</c>.</summary>
    public static string CSharp(object? value) => value switch
    {
        null => "null",
        int[] widths => "[" + string.Join(", ", widths) + "]",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        Enum e => $"{e.GetType().Name}.{e}",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"A {value.GetType().Name} has no C# form."),
    };

    /// <summary>Whether two values are the same setting (arrays by their elements).</summary>
    public static bool Same(object? a, object? b) => a is int[] x && b is int[] y ? x.SequenceEqual(y) : Equals(a, b);

    /// <inheritdoc/>
    public override string ToString() => $"{Owner.Name}.{string.Join(".", Path.Select(p => p.Name))} (--{Flag})";
}

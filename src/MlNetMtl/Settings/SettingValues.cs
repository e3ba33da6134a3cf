using System.Collections;
using System.Reflection;

namespace MlNetMtl.Settings;

/// <summary>
/// Values of some settings (the rest keep their defaults), e.g. the ones given on a command line or drawn by a
/// search trial. Immutable; applied to options objects as copies, so a template is never changed.
/// </summary>
public sealed class SettingValues : IEnumerable<KeyValuePair<Setting, object?>>
{
    private readonly KeyValuePair<Setting, object?>[] _values;

    private SettingValues(KeyValuePair<Setting, object?>[] values) => _values = values;

    /// <summary>No values: every setting at its default.</summary>
    public static SettingValues None { get; } = new([]);

    /// <summary>These values with <paramref name="setting"/> set to <paramref name="value"/> (replacing an earlier value of it).</summary>
    public SettingValues With(Setting setting, object? value) =>
        new([.. _values.Where(v => v.Key != setting), new(setting, value)]);

    /// <summary>These values, then <paramref name="other"/>'s over them.</summary>
    public SettingValues With(SettingValues other) => other._values.Aggregate(this, (values, v) => values.With(v.Key, v.Value));

    /// <summary>Whether <paramref name="setting"/> has a value here.</summary>
    public bool Contains(Setting setting) => _values.Any(v => v.Key == setting);

    /// <summary>The value of <paramref name="setting"/>, if it has one here.</summary>
    public bool TryGet(Setting setting, out object? value)
    {
        foreach (var v in _values)
            if (v.Key == setting)
            {
                value = v.Value;
                return true;
            }
        value = null;
        return false;
    }

    /// <summary>The number of values.</summary>
    public int Count => _values.Length;

    /// <summary>
    /// A copy of <paramref name="options"/> (its setting groups copied too) with the values of the settings it has;
    /// values of settings it does not have are ignored.
    /// </summary>
    public T ApplyTo<T>(T options) where T : class
    {
        var copy = (T)ShallowCopy(options);
        foreach (var (setting, value) in _values)
            if (setting.AppliesTo(copy.GetType()))
            {
                CopyGroups(copy, setting);
                setting.Set(copy, value);
            }
        return copy;
    }

    /// <summary>Replaces each group object on the way to <paramref name="setting"/> by a copy, so setting it leaves the original alone.</summary>
    private static void CopyGroups(object root, Setting setting)
    {
        object parent = root;
        foreach (var group in setting.Path.Take(setting.Path.Count - 1))
        {
            var copied = ShallowCopy(group.GetValue(parent)!);
            group.SetValue(parent, copied);
            parent = copied;
        }
    }

    private static readonly MethodInfo CloneMethod = typeof(object).GetMethod(nameof(MemberwiseClone), BindingFlags.Instance | BindingFlags.NonPublic)!;

    private static object ShallowCopy(object value) => CloneMethod.Invoke(value, null)!;

    /// <summary>The values as command-line text: <c>--experts 4 --expert-widths 128,64</c>.</summary>
    public override string ToString() => string.Join(" ", _values.Select(v => $"--{v.Key.Flag} {Setting.Format(v.Value)}"));

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<Setting, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<Setting, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

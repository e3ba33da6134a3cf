namespace MlNetMtl.Settings;

/// <summary>
/// Declares an options property as a setting: its name on the command line (<c>--flag</c>); its default is the
/// property's initial value and its documentation the property's XML summary. The command line, the experiment's
/// search space and generated code are derived from these declarations (<see cref="Setting"/>), as ML.NET's own
/// options carry their sweep ranges in attributes.
/// </summary>
/// <param name="flag">The command-line name without the dashes, e.g. <c>bottom</c> for <c>--bottom 256,128</c>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class SettingAttribute(string flag) : Attribute
{
    /// <summary>The command-line name without the dashes.</summary>
    public string Flag { get; } = flag;

    /// <summary>The values the experiment's search tries, in their command-line form (e.g. <c>"256,128"</c>); null when not searched.</summary>
    public string[]? Search { get; init; }

    /// <summary>Why the experiment's search keeps the setting at its default (or at the value given on the command line).</summary>
    public string? NotSearched { get; init; }
}

/// <summary>Marks an options property whose value is an object of further settings (e.g. the learning-rate schedule).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class SettingGroupAttribute : Attribute;

/// <summary>Marks a public options property that is not a setting of the command line or the search, and says why.</summary>
/// <param name="why">Why, e.g. "a trained model, given in code".</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class NotASettingAttribute(string why) : Attribute
{
    /// <summary>Why the property is not a setting.</summary>
    public string Why { get; } = why;
}

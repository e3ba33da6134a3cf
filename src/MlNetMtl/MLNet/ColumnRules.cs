using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Networks;

namespace MlNetMtl.MLNet;

/// <summary>
/// What the trainer accepts in its input columns, checked against a <see cref="DataViewSchema"/> (at fit and
/// transform time) or a <see cref="SchemaShape"/> (when a pipeline is assembled), with errors that name the column.
/// </summary>
internal static class ColumnRules
{
    public static void Check(SchemaShape schema, string featureColumn, IEnumerable<TaskColumn> tasks, string? weightColumn)
    {
        foreach (var (name, role) in tasks.Select(t => (Name: t.WeightColumnName, Role: $"weight (task '{t.Name}')")).Append((Name: weightColumn, Role: "weight")))
        {
            if (name is null)
                continue;
            var weight = Find(schema, name) ?? throw MissingColumn(role, name);
            if (weight.Kind != SchemaShape.Column.VectorKind.Scalar || (weight.ItemType != NumberDataViewType.Single && weight.ItemType != NumberDataViewType.Double))
                throw new ArgumentOutOfRangeException(nameof(schema), $"The {role} column '{name}' must be a Single or Double scalar.");
        }
        var feature = Find(schema, featureColumn) ?? throw MissingColumn("feature", featureColumn);
        CheckFeature(featureColumn, feature.Kind == SchemaShape.Column.VectorKind.Vector, feature.Kind == SchemaShape.Column.VectorKind.VariableVector, feature.ItemType);
        foreach (var task in tasks)
        {
            var label = Find(schema, task.LabelColumnName) ?? throw MissingColumn($"label (task '{task.Name}')", task.LabelColumnName);
            if (label.Kind != SchemaShape.Column.VectorKind.Scalar)
                throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{task.LabelColumnName}' of task '{task.Name}' is a vector; it must be a scalar.");
            // A shape gives a key column's raw type (UInt32) with IsKey set, not the key type with its count.
            CheckLabelType(task, label.IsKey ? new KeyDataViewType(typeof(uint), 2) : label.ItemType, keyCount: null);
        }
    }

    /// <summary>The visible column of that name: the last one, as later columns hide earlier ones.</summary>
    private static SchemaShape.Column? Find(SchemaShape schema, string name)
    {
        foreach (var column in schema.Reverse())
            if (column.Name == name)
                return column;
        return null;
    }

    public static void Check(DataViewSchema schema, string featureColumn, IEnumerable<TaskColumn> tasks) => Check(schema, featureColumn, tasks, checkLabels: true);

    public static void CheckFeatureOnly(DataViewSchema schema, string featureColumn) => Check(schema, featureColumn, [], checkLabels: false);

    private static void Check(DataViewSchema schema, string featureColumn, IEnumerable<TaskColumn> tasks, bool checkLabels)
    {
        var feature = schema.GetColumnOrNull(featureColumn) ?? throw MissingColumn("feature", featureColumn);
        var vector = feature.Type as VectorDataViewType;
        CheckFeature(featureColumn, vector is { Size: > 0 }, vector is { Size: 0 }, vector?.ItemType ?? feature.Type);
        if (!checkLabels)
            return;
        foreach (var task in tasks)
        {
            var label = schema.GetColumnOrNull(task.LabelColumnName) ?? throw MissingColumn($"label (task '{task.Name}')", task.LabelColumnName);
            if (label.Type is VectorDataViewType)
                throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{task.LabelColumnName}' of task '{task.Name}' is a vector; it must be a scalar.");
            CheckLabelType(task, label.Type, (label.Type as KeyDataViewType)?.Count);
        }
    }

    /// <summary>Our output columns must not hide input columns: a collision is almost always a mistake.</summary>
    public static void CheckNoCollision(IEnumerable<string> inputColumns, IReadOnlyList<TaskColumn> tasks, IReadOnlyList<AuxiliaryOutput> auxiliary)
    {
        var names = new HashSet<string>(inputColumns, StringComparer.Ordinal);
        var outputs = tasks.SelectMany(task => OutputColumnNames.For(task.Name, task.Kind).Select(name => (task.Name, Column: name)))
            .Concat(auxiliary.Select(a => (tasks[a.Task].Name, Column: OutputColumnNames.Auxiliary(tasks[a.Task].Name, a.Name))));
        foreach (var (task, column) in outputs)
            if (names.Contains(column))
                throw new ArgumentException($"Output column '{column}' of task '{task}' already exists in the input; rename the task or drop that column.", nameof(tasks));
    }

    private static void CheckFeature(string name, bool knownSizeVector, bool variableVector, DataViewType itemType)
    {
        if (variableVector)
            throw new ArgumentOutOfRangeException(nameof(name), $"Feature column '{name}' is a variable-size vector; the trainer needs a known size (e.g. from Concatenate, OneHotEncoding or hashing).");
        if (!knownSizeVector)
            throw new ArgumentOutOfRangeException(nameof(name), $"Feature column '{name}' is a scalar {itemType}; it must be a vector of Single (use Concatenate).");
        if (itemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(name), $"Feature column '{name}' holds {itemType}; it must hold Single (convert it with ConvertType).");
    }

    private static void CheckLabelType(TaskColumn task, DataViewType type, ulong? keyCount)
    {
        var accepted = task.Kind.AcceptedLabels(task.ClassCount);
        var given = type == BooleanDataViewType.Instance ? LabelTypes.Boolean
            : type == NumberDataViewType.Single || type == NumberDataViewType.Double ? LabelTypes.Number
            : type is TextDataViewType ? LabelTypes.Text
            : type is KeyDataViewType ? (keyCount is null or 2 ? LabelTypes.Key | LabelTypes.TwoValueKey : LabelTypes.Key)
            : LabelTypes.None;
        if ((accepted & given) == LabelTypes.None)
            throw new ArgumentOutOfRangeException(nameof(task), given == LabelTypes.Key && accepted.HasFlag(LabelTypes.TwoValueKey)
                ? $"Label column '{task.LabelColumnName}' of {task.Kind.Name.ToLowerInvariant()} task '{task.Name}' is a key with {keyCount} values; it must have 2."
                : $"Label column '{task.LabelColumnName}' of {task.Kind.Name.ToLowerInvariant()} task '{task.Name}' has type {type}; it must be {Describe(accepted)}.");
        if (task.Kind.HasClasses && keyCount is { } classes && task.ClassCount > 0 && (ulong)task.ClassCount != classes)
            throw new ArgumentOutOfRangeException(nameof(task), $"Multiclass task '{task.Name}' says {task.ClassCount} classes but label column '{task.LabelColumnName}' is a key with {classes} values.");
    }

    /// <summary>"a key (e.g. from MapValueToKey), text or Single/Double".</summary>
    private static string Describe(LabelTypes accepted)
    {
        var kinds = new List<string>();
        if (accepted.HasFlag(LabelTypes.Key))
            kinds.Add("a key (e.g. from MapValueToKey)");
        if (accepted.HasFlag(LabelTypes.Boolean))
            kinds.Add("Boolean");
        if (accepted.HasFlag(LabelTypes.Number))
            kinds.Add(accepted.HasFlag(LabelTypes.Key) ? "Single/Double class indices with the task's class count given" : "Single, Double");
        if (accepted.HasFlag(LabelTypes.Text))
            kinds.Add("text");
        if (accepted.HasFlag(LabelTypes.TwoValueKey) && !accepted.HasFlag(LabelTypes.Key))
            kinds.Add("a 2-value key");
        return kinds.Count == 1 ? kinds[0] : string.Join(", ", kinds.Take(kinds.Count - 1)) + " or " + kinds[^1];
    }

    private static ArgumentOutOfRangeException MissingColumn(string role, string name) =>
        new("column", $"The {role} column '{name}' is not in the data.");
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Networks;

namespace MlNetMtl.MLNet;

/// <summary>
/// A trained network bound to one input schema: the output schema (every input column, hidden ones included so
/// indices are kept, then each task's columns) and what each appended column holds.
/// </summary>
internal sealed class MultiTaskMapping
{
    /// <summary>What an appended column holds.</summary>
    public enum OutputKind { Score, Probability, PredictedLabel, Auxiliary }

    public MultiTaskMapping(MultiTaskTransformer transformer, DataViewSchema inputSchema)
    {
        Transformer = transformer;
        InputSchema = inputSchema;
        ColumnRules.CheckFeatureOnly(inputSchema, transformer.FeatureColumnName);
        FeatureColumn = inputSchema[transformer.FeatureColumnName];
        int width = ((VectorDataViewType)FeatureColumn.Type).Size;
        if (width != transformer.Network.InputDimension)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{FeatureColumn.Name}' has {width} slots; the model was trained on {transformer.Network.InputDimension}.");
        var auxiliary = transformer.Network.AuxiliaryOutputs;
        ColumnRules.CheckNoCollision(inputSchema.Select(c => c.Name), transformer.Tasks, auxiliary);
        Outputs = Layout(transformer.Tasks, auxiliary);
        OutputSchema = BuildOutputSchema(inputSchema, transformer.Tasks, auxiliary);
    }

    public MultiTaskTransformer Transformer { get; }
    public MultiTaskNetwork Network => Transformer.Network;
    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }
    public DataViewSchema.Column FeatureColumn { get; }
    /// <summary>The appended columns, in order after the input columns: (task index, or auxiliary output index; kind).</summary>
    public IReadOnlyList<(int Task, OutputKind Kind)> Outputs { get; }

    public bool IsAppended(DataViewSchema.Column column) => column.Index >= InputSchema.Count;

    /// <summary>Flags of the appended columns among <paramref name="columns"/>.</summary>
    public bool[] ActiveOutputs(IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[Outputs.Count];
        foreach (var column in columns)
            if (IsAppended(column))
                active[column.Index - InputSchema.Count] = true;
        return active;
    }

    /// <summary>The input columns needed to produce <paramref name="columns"/> of the output.</summary>
    public IEnumerable<DataViewSchema.Column> Dependencies(IEnumerable<DataViewSchema.Column> columns)
    {
        var needed = new List<DataViewSchema.Column>();
        bool anyAppended = false;
        foreach (var column in columns)
        {
            if (IsAppended(column))
                anyAppended = true;
            else
                needed.Add(InputSchema[column.Index]);
        }
        if (anyAppended)
            needed.Add(FeatureColumn);
        return needed.DistinctBy(c => c.Index);
    }

    private static DataViewSchema BuildOutputSchema(DataViewSchema input, IReadOnlyList<TaskColumn> tasks, IReadOnlyList<AuxiliaryOutput> auxiliary)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        AddTaskColumns(builder, tasks);
        foreach (var output in auxiliary)
            builder.AddColumn(OutputColumnNames.Auxiliary(tasks[output.Task].Name, output.Name), NumberDataViewType.Single);
        return builder.ToSchema();
    }

    private static void AddTaskColumns(DataViewSchema.Builder builder, IEnumerable<TaskColumn> tasks)
    {
        foreach (var task in tasks)
        {
            if (task.Kind == TaskKind.Multiclass)
            {
                builder.AddColumn(OutputColumnNames.Score(task.Name), new VectorDataViewType(NumberDataViewType.Single, task.ClassCount), ClassAnnotations(task, slotNames: true));
                builder.AddColumn(OutputColumnNames.PredictedLabel(task.Name), new KeyDataViewType(typeof(uint), task.ClassCount), ClassAnnotations(task, slotNames: false));
                continue;
            }
            builder.AddColumn(OutputColumnNames.Score(task.Name), NumberDataViewType.Single);
            if (task.Kind == TaskKind.Binary)
            {
                builder.AddColumn(OutputColumnNames.Probability(task.Name), NumberDataViewType.Single);
                builder.AddColumn(OutputColumnNames.PredictedLabel(task.Name), BooleanDataViewType.Instance);
            }
        }
    }

    /// <summary>A multiclass task's class names as the score vector's slot names, or as the predicted key's values (none when the classes are unnamed).</summary>
    private static DataViewSchema.Annotations? ClassAnnotations(TaskColumn task, bool slotNames)
    {
        if (task.ClassNames is not { } names)
            return null;
        var values = new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray());
        var annotations = new DataViewSchema.Annotations.Builder();
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter = (ref VBuffer<ReadOnlyMemory<char>> value) => values.CopyTo(ref value);
        annotations.Add(slotNames ? "SlotNames" : "KeyValues", new VectorDataViewType(TextDataViewType.Instance, names.Count), getter);
        return annotations.ToAnnotations();
    }

    private static (int, OutputKind)[] Layout(IReadOnlyList<TaskColumn> tasks, IReadOnlyList<AuxiliaryOutput> auxiliary)
    {
        var layout = new List<(int, OutputKind)>();
        for (int t = 0; t < tasks.Count; t++)
        {
            layout.Add((t, OutputKind.Score));
            if (tasks[t].Kind == TaskKind.Binary)
                layout.Add((t, OutputKind.Probability));
            if (tasks[t].Kind != TaskKind.Regression)
                layout.Add((t, OutputKind.PredictedLabel));
        }
        for (int a = 0; a < auxiliary.Count; a++)
            layout.Add((a, OutputKind.Auxiliary));
        return layout.ToArray();
    }
}

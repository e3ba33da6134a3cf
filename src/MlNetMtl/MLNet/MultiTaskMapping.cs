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
    /// <summary>The appended columns, in order after the input columns: (task index and what the column holds; or auxiliary output index and null).</summary>
    public IReadOnlyList<(int Index, TaskOutputValue? Value)> Outputs { get; }

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
            foreach (var output in task.Kind.Outputs)
                builder.AddColumn(OutputColumnNames.Of(task.Name, output), OutputTypes.Of(output.Value, task.ClassCount), ClassAnnotations(task, output.Value));
    }

    /// <summary>A task's class names as the slot names of its class probabilities, or as the values of its predicted class (none when unnamed).</summary>
    private static DataViewSchema.Annotations? ClassAnnotations(TaskColumn task, TaskOutputValue value)
    {
        if (task.ClassNames is not { } names || value is not (TaskOutputValue.ClassProbabilities or TaskOutputValue.PredictedClass))
            return null;
        var values = new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray());
        var annotations = new DataViewSchema.Annotations.Builder();
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter = (ref VBuffer<ReadOnlyMemory<char>> v) => values.CopyTo(ref v);
        annotations.Add(value == TaskOutputValue.ClassProbabilities ? "SlotNames" : "KeyValues", new VectorDataViewType(TextDataViewType.Instance, names.Count), getter);
        return annotations.ToAnnotations();
    }

    private static (int, TaskOutputValue?)[] Layout(IReadOnlyList<TaskColumn> tasks, IReadOnlyList<AuxiliaryOutput> auxiliary) =>
        tasks.SelectMany((task, t) => task.Kind.Outputs.Select(o => (t, (TaskOutputValue?)o.Value)))
            .Concat(auxiliary.Select((_, a) => (a, (TaskOutputValue?)null))).ToArray();
}

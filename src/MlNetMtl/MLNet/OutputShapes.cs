using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Networks;

namespace MlNetMtl.MLNet;

/// <summary>
/// Builds the <see cref="SchemaShape.Column"/>s of our output columns with public API only: that struct's
/// constructor is internal (dotnet/machinelearning#3243), so each column is read off the output shape of a no-op
/// <c>CustomMapping</c> whose single output column is renamed to ours.
/// </summary>
internal static class OutputShapes
{
    private static readonly MLContext Context = new(seed: 0);

    public static IEnumerable<SchemaShape.Column> For(IReadOnlyList<TaskColumn> tasks, IReadOnlyList<AuxiliaryOutput> auxiliary, SchemaShape input)
    {
        foreach (var task in tasks)
        {
            int classes = task.ClassCount > 0 ? task.ClassCount : KeyCount(input, task.LabelColumnName);
            foreach (var output in task.Kind.Outputs)
            {
                string name = OutputColumnNames.Of(task.Name, output);
                var type = OutputTypes.Of(output.Value, classes);
                yield return output.Value switch
                {
                    TaskOutputValue.Decision => Shape<BooleanValue>(name),
                    TaskOutputValue.ClassProbabilities => Shape<VectorValue>(name, type),
                    TaskOutputValue.PredictedClass => Shape<KeyValue>(name, type),
                    _ => Shape<SingleValue>(name),
                };
            }
        }
        foreach (var output in auxiliary)
            yield return Shape<SingleValue>(OutputColumnNames.Auxiliary(tasks[output.Task].Name, output.Name));
    }

    /// <summary>A known-size vector of Single, as an appended vector column (a sentence embedding) has.</summary>
    public static SchemaShape.Column SingleVector(string name, int size) => Shape<VectorValue>(name, new VectorDataViewType(NumberDataViewType.Single, size));

    /// <summary>The label's key count when the shape carries it (the vector size is not part of a shape), else 2.</summary>
    private static int KeyCount(SchemaShape input, string label) =>
        input.LastOrDefault(c => c.Name == label).ItemType is KeyDataViewType { Count: > 1 and <= int.MaxValue } key ? (int)key.Count : 2;

    private static SchemaShape.Column Shape<TOut>(string name, DataViewType? type = null) where TOut : class, new()
    {
        var definition = SchemaDefinition.Create(typeof(TOut));
        definition[0].ColumnName = name;
        if (type is not null)
            definition[0].ColumnType = type;
        var mapping = Context.Transforms.CustomMapping<NoInput, TOut>((_, _) => { }, contractName: null, outputSchemaDefinition: definition);
        return mapping.GetOutputSchema(new SchemaShape([])).Single(column => column.Name == name);
    }

    private sealed class NoInput;

    private sealed class SingleValue
    {
        public float Value { get; set; }
    }

    private sealed class BooleanValue
    {
        public bool Value { get; set; }
    }

    private sealed class VectorValue
    {
        public float[] Value { get; set; } = [];
    }

    private sealed class KeyValue
    {
        public uint Value { get; set; }
    }
}

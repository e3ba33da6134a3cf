using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Data;
using MlNetMtl.Networks;

namespace MlNetMtl;

/// <summary>
/// Builds the <see cref="SchemaShape.Column"/>s of our output columns with public API only: that struct's
/// constructor is internal (dotnet/machinelearning#3243), so each column is read off the output shape of a no-op
/// <c>CustomMapping</c> whose single output column is renamed to ours.
/// </summary>
internal static class OutputShapes
{
    private static readonly MLContext Context = new(seed: 0);

    public static IEnumerable<SchemaShape.Column> For(IReadOnlyList<TaskColumn> tasks, IReadOnlyList<AuxiliaryOutput> auxiliary)
    {
        foreach (var task in tasks)
        {
            yield return Shape<SingleValue>(OutputColumnNames.Score(task.Name));
            if (task.Kind == TaskKind.Binary)
            {
                yield return Shape<SingleValue>(OutputColumnNames.Probability(task.Name));
                yield return Shape<BooleanValue>(OutputColumnNames.PredictedLabel(task.Name));
            }
        }
        foreach (var output in auxiliary)
            yield return Shape<SingleValue>(OutputColumnNames.Auxiliary(tasks[output.Task].Name, output.Name));
    }

    private static SchemaShape.Column Shape<TOut>(string name) where TOut : class, new()
    {
        var definition = SchemaDefinition.Create(typeof(TOut));
        definition[0].ColumnName = name;
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
}

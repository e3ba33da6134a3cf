using System.CommandLine;
using Microsoft.ML;
using MlNetMtl.MLNet;

namespace MlNetMtl.Cli;

/// <summary>A saved model applied to a data file: what <c>evaluate</c> and <c>predict</c> start from.</summary>
/// <param name="Context">The context the model was loaded in.</param>
/// <param name="Model">The multi-task transformer of the model.</param>
/// <param name="Scored">The data file through the whole model.</param>
/// <param name="ModelPath">The model file.</param>
/// <param name="DataPath">The data file.</param>
/// <param name="Loaded">The whole model (featurization and network).</param>
/// <param name="Input">The data file as read, before the model.</param>
/// <param name="InputSchema">The input schema the model was saved with.</param>
internal sealed record ScoredData(MLContext Context, MultiTaskTransformer Model, IDataView Scored, string ModelPath, string DataPath,
    ITransformer Loaded, IDataView Input, DataViewSchema InputSchema)
{
    /// <summary>Another file in the model's input format (e.g. its training file), read as the model reads its input.</summary>
    public IDataView Load(string path, DataFormat format) => DataOptionSet.LoadForModel(Context, format, path, InputSchema);

    /// <summary>Loads the model and the data file, and checks the file holds every column the model reads (and, with <paramref name="needLabels"/>, every label).</summary>
    public static ScoredData Load(CommandRun run, Option<FileInfo> modelOption, DataOptionSet data, bool needLabels)
    {
        string modelPath = CliPaths.Input(run.Parse.GetValue(modelOption)!, "--model");
        string dataPath = data.DatasetPath(run.Parse);
        var ml = run.Context(seed: null);
        var loaded = ml.MultiTask().LoadModel(modelPath, out var schema);
        var model = MultiTaskTransformer.FindIn(loaded) ?? throw new ArgumentException($"--model '{modelPath}' holds no MlNetMtl multi-task transformer.");
        var input = data.LoadForModel(ml, run.Parse, schema);
        var optional = model.Tasks.SelectMany(t => new[] { t.LabelColumnName, t.WeightColumnName }).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (needLabels)
        {
            var missing = model.Tasks.Where(t => input.Schema.GetColumnOrNull(t.LabelColumnName) is null).ToArray();
            if (missing.Length > 0)
                throw new ArgumentException($"'{dataPath}' lacks the label column(s) {string.Join(", ", missing.Select(t => $"'{t.LabelColumnName}' (task '{t.Name}')"))}, so it cannot be evaluated.");
        }
        RequireInputs(ml, loaded, schema, input.Schema, optional, dataPath);
        return new ScoredData(ml, model, loaded.Transform(input), modelPath, dataPath, loaded, input, schema);
    }

    /// <summary>Names the columns the model reads that the file lacks (labels and unused columns may be absent).</summary>
    private static void RequireInputs(MLContext ml, ITransformer model, DataViewSchema trained, DataViewSchema file, HashSet<string> optional, string path)
    {
        var needed = ml.MultiTask().InputColumns(model, trained).Where(c => !optional.Contains(c.Name) && file.GetColumnOrNull(c.Name) is null).Select(c => c.Name).ToArray();
        if (needed.Length > 0)
            throw new ArgumentException($"'{path}' lacks column(s) {string.Join(", ", needed)}, which the model reads (its header has {string.Join(", ", file.Select(c => c.Name))}).");
    }
}

using System.CommandLine;
using Microsoft.ML;

namespace MlNetMtl.Cli;

/// <summary>A saved model applied to a data file: what <c>evaluate</c> and <c>predict</c> start from.</summary>
internal sealed record ScoredData(MLContext Context, MultiTaskTransformer Model, IDataView Scored)
{
    public static ScoredData Load(ParseResult parse, Option<FileInfo> modelOption, DataOptionSet data)
    {
        var ml = new MLContext();
        var loaded = ml.MultiTask().LoadModel(parse.GetValue(modelOption)!.FullName, out var schema);
        var model = MultiTaskTransformer.FindIn(loaded) ?? throw new ArgumentException("The model holds no MlNetMtl multi-task transformer.");
        return new ScoredData(ml, model, loaded.Transform(data.LoadForModel(ml, parse, schema)));
    }
}

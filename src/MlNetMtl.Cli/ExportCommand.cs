using System.CommandLine;
using MlNetMtl.MLNet;
using MlNetMtl.Onnx;

namespace MlNetMtl.Cli;

/// <summary><c>mlnet-mtl export</c>: a saved model in, the same pipeline as one ONNX model out (the raw input columns in, every output column out).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "The model file (.zip).", Required = true };
        var output = new Option<FileInfo>("--output", "-o")
        {
            Description = "The ONNX file to write (replaced only once the new one is complete; never the model itself).",
            DefaultValueFactory = _ => new FileInfo("model.onnx"),
        };
        var command = new Command("export", "Write a saved model — featurization and network — as one ONNX model that ONNX Runtime scores on the raw input columns.");
        command.Options.Add(model);
        command.Options.Add(output);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            string modelPath = CliPaths.Input(parse.GetValue(model)!, "--model");
            string path = CliPaths.Output(parse.GetValue(output)!, "--output", modelPath);
            var ml = run.Context(seed: null);
            var loaded = ml.MultiTask().LoadModel(modelPath, out var schema);
            ml.MultiTask().ExportOnnx(loaded, schema, path);
            using var check = new OnnxPipelineScorer(path, threads: 1); // the written model loads in ONNX Runtime
            run.Output.Line($"Wrote the ONNX model (IR {OnnxExportCatalog.IrVersion}, opset {OnnxExportCatalog.Opset}) to {path}: " +
                $"inputs {string.Join(", ", check.InputNames)}; outputs {string.Join(", ", check.OutputNames)}.");
            foreach (var (input, holds) in check.ImageInputs)
                run.Output.Line($"{input} holds what the graph cannot open: {holds}");
            if (check.CustomOperators is { } operators)
                run.Output.Line($"It uses operators beyond ONNX Runtime's own: {operators}.");
            return 0;
        }));
        return command;
    }
}

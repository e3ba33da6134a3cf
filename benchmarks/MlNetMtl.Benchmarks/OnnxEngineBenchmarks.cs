using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MlNetMtl.Data;
using MlNetMtl.Networks;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Onnx;

namespace MlNetMtl.Benchmarks;

/// <summary>
/// What a user would serve with: ONNX Runtime (one intra-op thread, sequential, all graph optimisations) on the exported
/// network against MlNetMtl's own engine (<see cref="MultiTaskNetwork.Predict"/>, one thread), same process, same rows, same
/// weights. W-SB reads 512 dense values per row; W-EMB's own engine reads the sparse rows (26 ids, 13 values) while the
/// exported network reads either the dense 2.6-million-slot row (so only batch 1: 4,096 such rows are 42 GB) or, "on keys",
/// each id field's key and the 13 values (<see cref="PipelineExport.ExportNetworkOnKeys"/>, the form an exported pipeline
/// takes after its featurization).
/// </summary>
[Config(typeof(Config))]
public class OnnxEngineBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
            AddColumn(new ThroughputColumn("rows/s", c => Rows((string)c.Parameters["Case"]), 1, "N0"));
        }
    }

    public static IEnumerable<string> Cases => ["W-SB, batch 1", "W-SB, batch 4096", "W-EMB, batch 1", "W-EMB on keys, batch 1", "W-EMB on keys, batch 4096"];

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "W-SB, batch 1";

    private static int Rows(string scenario) => int.Parse(scenario[(scenario.LastIndexOf(' ') + 1)..]);

    private MultiTaskNetwork _network = null!;
    private float[] _dense = [], _scores = [];
    private long[] _keys = [];
    private CsrRowsHolder? _sparse;
    private InferenceSession _session = null!;
    private RunOptions _run = null!;
    private OrtValue[] _inputs = [], _outputs = [];
    private string[] _outputNames = [], _inputNames = ["Features"];
    private int _rows;

    [GlobalSetup]
    public void Setup()
    {
        _rows = Rows(Case);
        if (Case.StartsWith("W-SB", StringComparison.Ordinal))
        {
            var data = DenseWorkload.Generate();
            _network = MultiTaskNetwork.Create(DenseWorkload.Inputs, data.Tasks, DenseWorkload.Network("W-SB"), seed: 1);
            _dense = ((DenseFeatures)data.Features).Values[..(_rows * DenseWorkload.Inputs)];
        }
        else
        {
            var data = EmbeddingWorkload.Generate(_rows);
            var rows = (SparseFeatures)data.Features;
            _network = MultiTaskNetwork.Create(rows.Dimension, data.Tasks, EmbeddingWorkload.Network(TableOptimizer.Training), seed: 1, fields: EmbeddingWorkload.Fields);
            _sparse = new CsrRowsHolder(rows);
            if (Case.Contains("on keys", StringComparison.Ordinal))
                KeysAndValues(rows);
            else
            {
                _dense = new float[_rows * rows.Dimension];
                for (int r = 0; r < _rows; r++)
                    for (int p = rows.RowStarts[r]; p < rows.RowStarts[r + 1]; p++)
                        _dense[r * rows.Dimension + rows.Indices[p]] = rows.Values[p];
            }
        }
        _scores = new float[_rows * _network.OutputWidth];
        var model = (_keys.Length > 0 ? PipelineExport.ExportNetworkOnKeys(_network) : PipelineExport.ExportNetwork(_network)).ToByteArray();
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(model, options);
        _run = new RunOptions();
        _inputs = _keys.Length > 0
            ? [OrtValue.CreateTensorValueFromMemory(_keys, [_rows, EmbeddingWorkload.IdFields]), OrtValue.CreateTensorValueFromMemory(_dense, [_rows, EmbeddingWorkload.Dense])]
            : [OrtValue.CreateTensorValueFromMemory(_dense, [_rows, _network.InputDimension])];
        _inputNames = _keys.Length > 0 ? ["Keys", "Dense"] : ["Features"];
        _outputNames = _session.OutputMetadata.Keys.ToArray();
        _outputs = _outputNames.Select(_ => OrtValue.CreateTensorValueFromMemory(new float[_rows], [_rows, 1])).ToArray();
        // Both engines must agree before their speed means anything.
        OwnEngine();
        OnnxRuntime();
        for (int t = 0; t < _outputs.Length; t++)
        {
            var onnx = _outputs[t].GetTensorDataAsSpan<float>();
            for (int r = 0; r < _rows; r++)
                if (Math.Abs(onnx[r] - _scores[r * _network.OutputWidth + t]) > 1e-4f * Math.Max(1f, Math.Abs(_scores[r * _network.OutputWidth + t])))
                    throw new InvalidOperationException($"{_outputNames[t]}, row {r}: ONNX Runtime {onnx[r]}, MlNetMtl {_scores[r * _network.OutputWidth + t]}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var value in _inputs.Concat(_outputs))
            value.Dispose();
        _run.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true, Description = "MlNetMtl engine")]
    public void OwnEngine()
    {
        if (_sparse is { } sparse)
            _network.Predict(InputBatch.FromSparse(sparse.Rows.AsCsr()), _scores);
        else
            _network.Predict(InputBatch.FromDense(_dense, _rows, _network.InputDimension), _scores);
    }

    [Benchmark(Description = "ONNX Runtime")]
    public void OnnxRuntime() => _session.Run(_run, _inputNames, _inputs, _outputNames, _outputs);

    /// <summary>W-EMB's rows as the keyed network reads them: each id field's 1 + id, and the dense values.</summary>
    private void KeysAndValues(SparseFeatures rows)
    {
        _keys = new long[_rows * EmbeddingWorkload.IdFields];
        _dense = new float[_rows * EmbeddingWorkload.Dense];
        for (int r = 0; r < _rows; r++)
            for (int p = rows.RowStarts[r]; p < rows.RowStarts[r + 1]; p++)
            {
                int slot = rows.Indices[p], field = slot / EmbeddingWorkload.Ids;
                if (field < EmbeddingWorkload.IdFields)
                    _keys[r * EmbeddingWorkload.IdFields + field] = 1 + slot - field * EmbeddingWorkload.Ids;
                else
                    _dense[r * EmbeddingWorkload.Dense + slot - EmbeddingWorkload.IdFields * EmbeddingWorkload.Ids] = rows.Values[p];
            }
    }

    /// <summary>Holds the sparse rows (a ref struct cannot be a field).</summary>
    private sealed record CsrRowsHolder(SparseFeatures Rows);
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// The lazy output of <see cref="PretrainedEmbeddingTransformer.Transform"/>. A cursor that reads an appended column runs a
/// second cursor over the input columns <see cref="BlockRows"/> rows ahead of it, so each block's uncached inputs are encoded
/// in one batched call while the rows still stream (in input order: the view does not shuffle).
/// </summary>
internal sealed class PretrainedEmbeddingDataView(PretrainedEmbeddingMapping mapping, IDataView source) : IDataView
{
    /// <summary>Rows whose inputs are encoded together.</summary>
    public const int BlockRows = 256;

    public DataViewSchema Schema => mapping.OutputSchema;
    public bool CanShuffle => false;
    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var columns = columnsNeeded.ToArray();
        var active = columns.Select(mapping.AppendedIndex).Where(a => a >= 0).Distinct().ToArray();
        var input = source.GetRowCursor(columns.Where(c => mapping.AppendedIndex(c) < 0).Select(c => mapping.InputSchema[c.Index]));
        var ahead = active.Length == 0 ? null : source.GetRowCursor(active.Select(a => mapping.Sources[a]).Distinct());
        return new PretrainedEmbeddingCursor(mapping, input, ahead, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];
}

/// <summary>Moves the input cursor; serves the appended columns from the block the look-ahead cursor encoded.</summary>
internal sealed class PretrainedEmbeddingCursor : DataViewRowCursor
{
    private readonly PretrainedEmbeddingMapping _mapping;
    private readonly DataViewRowCursor _input;
    private readonly DataViewRowCursor? _ahead;
    private readonly int[] _active;
    private readonly ValueGetter<ReadOnlyMemory<char>>[] _aheadGetters;
    private readonly float[][] _blocks;
    private readonly string?[][] _texts;
    private int _row = -1, _blockRows;

    public PretrainedEmbeddingCursor(PretrainedEmbeddingMapping mapping, DataViewRowCursor input, DataViewRowCursor? ahead, int[] active)
    {
        _mapping = mapping;
        _input = input;
        _ahead = ahead;
        _active = active;
        int dimension = mapping.Transformer.Encoder.Dimension;
        _aheadGetters = active.Select(a => ahead!.GetGetter<ReadOnlyMemory<char>>(mapping.Sources[a])).ToArray();
        _blocks = active.Select(_ => new float[PretrainedEmbeddingDataView.BlockRows * dimension]).ToArray();
        _texts = active.Select(_ => new string?[PretrainedEmbeddingDataView.BlockRows]).ToArray();
    }

    public override DataViewSchema Schema => _mapping.OutputSchema;
    public override long Position => _input.Position;
    public override long Batch => _input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool MoveNext()
    {
        if (!_input.MoveNext())
            return false;
        if (_ahead is not null && ++_row >= _blockRows)
            FillBlock();
        return true;
    }

    /// <summary>Reads the next block's cells ahead and fills its vectors.</summary>
    private void FillBlock()
    {
        var buffer = default(ReadOnlyMemory<char>);
        int rows = 0;
        while (rows < PretrainedEmbeddingDataView.BlockRows && _ahead!.MoveNext())
        {
            for (int a = 0; a < _active.Length; a++)
                _texts[a][rows] = EncodedVectors.Read(_aheadGetters[a], ref buffer);
            rows++;
        }
        for (int a = 0; a < _active.Length; a++)
            EncodedVectors.Fill(_mapping.Transformer, _active[a], new ArraySegment<string?>(_texts[a], 0, rows), _blocks[a]);
        _blockRows = rows;
        _row = 0;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => _mapping.IsActive(column, _input, _active.Contains);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _mapping.Getter<TValue>(column, _input, _active.Contains, appended =>
    {
        var block = _blocks[Array.IndexOf(_active, appended)];
        int dimension = _mapping.Transformer.Encoder.Dimension;
        return vector => block.AsSpan(_row * dimension, dimension).CopyTo(vector);
    });

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            _ahead?.Dispose();
        }
        base.Dispose(disposing);
    }
}

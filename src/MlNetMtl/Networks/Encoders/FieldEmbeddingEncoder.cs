using MlNetMtl.Numerics;

namespace MlNetMtl.Networks.Encoders;

/// <summary>
/// Field embeddings: every feature slot j has a learned vector T_j of size K, and field f's embedding is
/// e_f = Σ_{j ∈ f} x_j · T_j — the row of a one-hot or hashed id, a value times a vector for a numeric slot, the sum of a bag's
/// slots, a learned projection of a dense vector. The encoded row is [e_1 … e_F] followed, with FM, by the bi-interaction
/// ½((Σ_f e_f)² − Σ_f e_f²); with Cross it is the output of DCN-v2 cross layers over [e_1 … e_F]. Only the table rows a batch touches get a gradient (and an optimizer update, lazily).
/// </summary>
[InputEncoderFor(InputEncoding.Embedding)]
internal sealed class FieldEmbeddingEncoder : InputEncoder
{
    private readonly FieldLayout _fields;
    private readonly int _size;
    private readonly bool _fm;
    private readonly CrossNetwork? _cross;
    private readonly Parameter[] _parameters;
    /// <summary>Per field, whether its embedding is the mean of its values' rows (a bag under <see cref="BagPooling.Mean"/>); null when none is.</summary>
    private readonly bool[]? _meanPooled;

    public FieldEmbeddingEncoder(FieldLayout fields, EncoderOptions options)
    {
        _fields = fields;
        if (options.BagPooling == BagPooling.Mean && fields.Fields.Any(f => f.Kind == FieldKind.Bag))
            _meanPooled = fields.Fields.Select(f => f.Kind == FieldKind.Bag).ToArray();
        _size = options.EmbeddingSize;
        _fm = options.Interaction == FeatureInteraction.FM;
        Options = options;
        FieldWidth = checked(fields.Fields.Count * _size);
        _cross = options.Interaction == FeatureInteraction.Cross ? new CrossNetwork(FieldWidth, options.CrossLayers, options.CrossRank) : null;
        Width = FieldWidth + (_fm ? _size : 0);
        Table = new Parameter("embedding.table", fields.Dimension, _size, decays: true, ownDecay: options.EmbeddingL2)
        {
            RowWiseAdagradRate = options.TableOptimizer == TableOptimizer.RowWiseAdagrad ? options.AdagradLearningRate : null,
        };
        _parameters = [Table, .. _cross?.Parameters ?? []];
    }

    public override EncoderOptions Options { get; }
    public override FieldLayout Fields => _fields;
    public override int Width { get; }
    /// <summary>Width of the concatenated field embeddings (the interaction follows).</summary>
    private int FieldWidth { get; }
    /// <summary>One row of size K per feature slot.</summary>
    public Parameter Table { get; }
    public override IReadOnlyList<Parameter> Parameters => _parameters;
    public override IEnumerable<Parameter> InputWeights => [Table];

    /// <summary>
    /// Uniform with variance 1/K (bound √(3/K)), so a one-hot field's embedding starts with norm about 1; uniform rather than
    /// normal draws because a table holds millions of rows and this fill is a fifth the cost.
    /// </summary>
    public override void Initialize(Random random)
    {
        RandomFill.Uniform(Table.Value, Math.Sqrt(3.0 / _size), random);
        _cross?.Initialize(random);
    }

    public override EncoderState CreateState(int capacity) => new State(capacity, Width, _fm ? _size : 0, _cross, _meanPooled is null ? 0 : _fields.Fields.Count);

    public override ReadOnlySpan<float> Forward(InputBatch input, EncoderState encoderState)
    {
        var state = (State)encoderState;
        int rows = input.Rows;
        var output = state.Output.AsSpan(0, rows * Width);
        // The field embeddings: the output itself, or with cross layers their input x₀.
        var embeddings = _cross is null ? output : state.Embeddings.AsSpan(0, rows * FieldWidth);
        int stride = _cross is null ? Width : FieldWidth;
        embeddings.Clear();
        var table = Table.Value.AsSpan();
        var fieldOf = _fields.FieldOfSlot;
        for (int r = 0; r < rows; r++)
        {
            var row = embeddings.Slice(r * stride, stride);
            // Pooling: e_f += x_j · T_j for every non-zero slot j of the row.
            // Under mean pooling the same pass sums each pooled field's values, into the row's scales.
            var scales = _meanPooled is null ? default : state.PoolScales.AsSpan(r * _fields.Fields.Count, _fields.Fields.Count);
            scales.Clear();
            foreach (var (slot, value) in NonZeros(input, r))
            {
                int field = fieldOf[slot];
                VectorOps.AddScaled(value, table.Slice(slot * _size, _size), row.Slice(field * _size, _size));
                if (!scales.IsEmpty && _meanPooled![field])
                    scales[field] += value;
            }
            if (!scales.IsEmpty)
                MeanPool(row, scales);
            if (_fm)
                FieldInteractions.BiInteraction(row[..FieldWidth], _size, state.Sum.AsSpan(r * _size, _size), row[FieldWidth..]);
        }
        _cross?.Forward(embeddings, rows, state.Cross!, output);
        return output;
    }

    public override string Export(Export.GraphWriter graph, string features)
    {
        // e_f = Σ_{j∈f} x_j·T_j is the field's slots times its rows of the table (a mean for a mean-pooled bag).
        var embeddings = new string[_fields.Fields.Count];
        for (int f = 0; f < embeddings.Length; f++)
        {
            var field = _fields.Fields[f];
            string slots = graph.Columns(features, field.Start, field.Start + field.Length);
            string rows = graph.Constant($"{Table.Name}.{field.Name}", Table.Value.AsSpan(field.Start * _size, field.Length * _size), field.Length, _size);
            // A categorical field holds at most one non-zero (an indicator): its row of the table times that value, found by
            // ArgMax and Gather instead of a product over every slot (ids: 100,000 slots a field, all read for one row).
            embeddings[f] = field.Kind == FieldKind.Categorical && field.Length > 1
                ? graph.Mul(graph.Node("Gather", "embedding.row", [rows, graph.Node("ArgMax", "slot", [slots], ("axis", 1L), ("keepdims", 0L))], ("axis", 0L)),
                    graph.Node("ReduceMax", "value", [slots], ("axes", new[] { 1L }), ("keepdims", 1L)))
                : graph.MatMul(slots, rows);
            if (_meanPooled is not null && _meanPooled[f])
            {
                string sum = graph.ReduceSum(slots, axis: 1, keep: true);
                string scale = graph.Node("Where", "pool.scale", [graph.Node("Greater", "positive", [sum, graph.Scalar("zero", 0f)]),
                    graph.Node("Reciprocal", "reciprocal", [sum]), graph.Scalar("one", 1f)]);
                embeddings[f] = graph.Mul(embeddings[f], scale);
            }
        }
        string concatenated = graph.Concat(1, embeddings);
        if (_cross is not null)
            return _cross.Export(graph, concatenated);
        if (!_fm)
            return concatenated;
        // Bi-interaction ½((Σ_f e_f)² − Σ_f e_f²), over the fields axis of [rows, fields, size].
        string stacked = graph.Reshape(concatenated, -1, embeddings.Length, _size);
        string sumOfFields = graph.ReduceSum(stacked, axis: 1, keep: false);
        string sumOfSquares = graph.ReduceSum(graph.Mul(stacked, stacked), axis: 1, keep: false);
        string interaction = graph.Mul(graph.Sub(graph.Mul(sumOfFields, sumOfFields), sumOfSquares), graph.Scalar("half", 0.5f));
        return graph.Concat(1, concatenated, interaction);
    }

    public override void Backward(InputBatch input, EncoderState encoderState, Span<float> outputGradient)
    {
        var state = (State)encoderState;
        int rows = input.Rows;
        var output = state.Output.AsSpan(0, rows * Width);
        var embeddingGradient = outputGradient;
        int stride = Width;
        if (_cross is not null)
        {
            embeddingGradient = state.EmbeddingGradient.AsSpan(0, rows * FieldWidth);
            _cross.Backward(outputGradient, rows, state.Cross!, embeddingGradient);
            stride = FieldWidth;
        }
        var gradient = Table.Gradient.AsSpan();
        var touched = Table.TouchedRows ??= new TouchedRows(Table.Rows);
        var fieldOf = _fields.FieldOfSlot;
        for (int r = 0; r < rows; r++)
        {
            var rowGradient = embeddingGradient.Slice(r * stride, stride);
            if (_fm)
                FieldInteractions.BiInteractionBackward(output.Slice(r * Width, FieldWidth), state.Sum.AsSpan(r * _size, _size), rowGradient[FieldWidth..], rowGradient[..FieldWidth]);
            // Scatter-add: dT_j += x_j · s_f · dL/de_f(j), s_f the field's pooling scale (1, or 1/Σx for a mean); a row's gradient
            // is cleared when the batch first touches it.
            var scales = _meanPooled is null ? default : state.PoolScales.AsSpan(r * _fields.Fields.Count, _fields.Fields.Count);
            if (!Table.NeedsGradient)
                continue;
            foreach (var (slot, value) in NonZeros(input, r))
            {
                var slotGradient = gradient.Slice(slot * _size, _size);
                if (touched.Mark(slot))
                    slotGradient.Clear();
                int field = fieldOf[slot];
                VectorOps.AddScaled(scales.IsEmpty ? value : value * scales[field], rowGradient.Slice(field * _size, _size), slotGradient);
            }
        }
        if (Table.NormSink is { } sink)
            AddTableNorms(input, state, embeddingGradient, stride, sink);
    }

    /// <summary>
    /// Each unit's ‖dT_u‖²: row i adds c_ij·δ_i,f(j) to table row j (c_ij = x_ij·s_f), and the slots of a batch row are distinct, so
    /// ‖dT_u‖² = Σ_{i,k∈u} Σ_{j∈i∩k} c_ij·c_kj·⟨δ_i,f(j), δ_k,f(j)⟩ — Σ_j c_ij²‖δ_i,f(j)‖² for a unit of one row.
    /// </summary>
    private void AddTableNorms(InputBatch input, State state, ReadOnlySpan<float> embeddingGradient, int stride, ExampleNorms sink)
    {
        for (int u = 0; u < sink.Units; u++)
        {
            double sum = 0;
            if (sink.Singletons)
                sum = TableDot(input, state, embeddingGradient, stride, u, u);
            else
            {
                var members = sink.Members(u);
                for (int a = 0; a < members.Length; a++)
                {
                    sum += TableDot(input, state, embeddingGradient, stride, members[a], members[a]);
                    for (int b = a + 1; b < members.Length; b++)
                        sum += 2 * TableDot(input, state, embeddingGradient, stride, members[a], members[b]);
                }
            }
            sink.Squared[u] += sum;
        }
    }

    /// <summary>⟨dT from batch row i, dT from batch row k⟩ over the table rows both touch.</summary>
    private double TableDot(InputBatch input, State state, ReadOnlySpan<float> embeddingGradient, int stride, int i, int k)
    {
        var fieldOf = _fields.FieldOfSlot;
        int fields = _fields.Fields.Count;
        var scalesI = _meanPooled is null ? default : state.PoolScales.AsSpan(i * fields, fields);
        var scalesK = _meanPooled is null ? default : state.PoolScales.AsSpan(k * fields, fields);
        double sum = 0;
        foreach (var (slot, value) in NonZeros(input, i))
        {
            int field = fieldOf[slot];
            var di = embeddingGradient.Slice(i * stride + field * _size, _size);
            double ci = scalesI.IsEmpty ? value : value * scalesI[field];
            if (i == k)
            {
                sum += ci * ci * VectorOps.Dot(di, di);
                continue;
            }
            foreach (var (other, otherValue) in NonZeros(input, k))
                if (other == slot)
                {
                    double ck = scalesK.IsEmpty ? otherValue : otherValue * scalesK[field];
                    sum += ci * ck * VectorOps.Dot(di, embeddingGradient.Slice(k * stride + field * _size, _size));
                }
        }
        return sum;
    }

    /// <summary>
    /// Turns the summed embeddings of the row's mean-pooled fields into means: <paramref name="scales"/> holds each field's Σ_{j∈f} x_j
    /// on entry and its scale on exit (1 / Σ when that is positive, else 1; 1 for the other fields), e_f scaled by it; the backward
    /// pass reads the scales.
    /// </summary>
    private void MeanPool(Span<float> row, Span<float> scales)
    {
        for (int f = 0; f < scales.Length; f++)
        {
            scales[f] = _meanPooled![f] && scales[f] > 0 ? 1f / scales[f] : 1f;
            if (scales[f] != 1f)
                VectorOps.Scale(scales[f], row.Slice(f * _size, _size));
        }
    }

    /// <summary>The non-zero (slot, value) pairs of row <paramref name="row"/>, sparse or dense.</summary>
    private static NonZeroEnumerator NonZeros(InputBatch input, int row) => new(input, row);

    private ref struct NonZeroEnumerator
    {
        private readonly ReadOnlySpan<int> _indices;
        private readonly ReadOnlySpan<float> _values;
        private readonly bool _sparse;
        private readonly int _end, _dimension;
        private int _position;

        public NonZeroEnumerator(InputBatch input, int row)
        {
            _sparse = input.IsSparse;
            _dimension = input.Dimension;
            if (_sparse)
            {
                var rows = input.Sparse;
                _indices = rows.Indices;
                _values = rows.Values;
                _position = rows.RowStarts[row] - 1;
                _end = rows.RowStarts[row + 1];
            }
            else
            {
                _values = input.Dense.Slice(row * _dimension, _dimension);
                _position = -1;
                _end = _dimension;
            }
        }

        public readonly NonZeroEnumerator GetEnumerator() => this;

        public readonly (int Slot, float Value) Current => _sparse ? (_indices[_position], _values[_position]) : (_position, _values[_position]);

        public bool MoveNext()
        {
            while (++_position < _end)
            {
                if (_sparse)
                {
                    if ((uint)_indices[_position] >= (uint)_dimension)
                        throw new ArgumentOutOfRangeException("input", $"Sparse index {_indices[_position]} is outside the input width {_dimension}.");
                    return true;
                }
                if (_values[_position] != 0)
                    return true;
            }
            return false;
        }
    }

    private sealed class State(int capacity, int width, int sumWidth, CrossNetwork? cross, int pooledFields) : EncoderState(capacity, width)
    {
        /// <summary>Each row's pooling scale per field (mean pooling only): 1 / Σ of the field's values, or 1.</summary>
        public float[] PoolScales { get; } = new float[capacity * pooledFields];
        /// <summary>Σ_f e_f per row (FM only), kept for the backward pass.</summary>
        public float[] Sum { get; } = new float[capacity * sumWidth];
        /// <summary>The field embeddings x₀ and their gradient (cross layers only).</summary>
        public float[] Embeddings { get; } = new float[cross is null ? 0 : capacity * cross.Width];
        public float[] EmbeddingGradient { get; } = new float[cross is null ? 0 : capacity * cross.Width];
        public CrossNetwork.State? Cross { get; } = cross?.CreateState(capacity);
    }
}

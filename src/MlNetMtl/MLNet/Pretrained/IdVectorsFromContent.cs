using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetMtl.Networks.Encoders;
using MlNetMtl.Numerics;
using MlNetMtl.Training;

namespace MlNetMtl.MLNet.Pretrained;

/// <summary>
/// Starting vectors for an id field's embedding rows from a content field of the same rows — an item's title or picture
/// vector (<see cref="Text.SentenceEmbeddingCatalog"/>, <see cref="Images.ImageEmbeddingCatalog"/>) — for
/// <see cref="TrainerOptions.Pretrained"/>: each id's row begins as its content vector through one fixed random
/// projection to the embedding size (entries of variance 1/size, so a unit-length content vector gives a row of norm about
/// 1, as the table's own initialisation does). Featurize the item catalogue — every item with its content, those that
/// have no interactions yet included — with the pipeline the network trains on: an id that training never sees keeps
/// the row its content gave, so it is scored as the items its content resembles.
/// </summary>
public static class IdVectorsFromContent
{
    /// <summary>The vectors of <paramref name="idField"/>'s slots, from <paramref name="contentField"/> (the mean where ids share a hashed slot; zeros for a slot no row sets).</summary>
    /// <param name="featurizedCatalog">One row per item (repeats are fine), featurized by the training pipeline's featurizer.</param>
    /// <param name="featureColumnName">The feature vector column.</param>
    /// <param name="idField">The id's field, e.g. <c>Id.item_id</c>.</param>
    /// <param name="contentField">The content's dense vector field, e.g. <c>Sentence.title</c>.</param>
    /// <param name="embeddingSize">The network's embedding size (<c>EmbeddingSize</c>, <c>--embedding-size</c>).</param>
    /// <param name="seed">Seeds the projection.</param>
    /// <exception cref="ArgumentException">A field is not in the feature column, or is of the wrong kind (both named).</exception>
    public static PretrainedVectors Build(IDataView featurizedCatalog, string featureColumnName, string idField, string contentField, int embeddingSize, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(featurizedCatalog);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingSize);
        var layout = FieldLayouts.FromSchema(featurizedCatalog.Schema, featureColumnName, InputEncoding.Embedding)
            ?? throw new ArgumentException($"Column '{featureColumnName}' has no field layout: featurize the catalogue with the training pipeline.", nameof(featurizedCatalog));
        var id = Find(layout, idField, nameof(idField));
        var content = Find(layout, contentField, nameof(contentField));
        if (id.Kind != FieldKind.Categorical)
            throw new ArgumentException($"Field '{idField}' is {id.Kind}; give a one-hot (categorical or hashed id) field ({Names(layout, FieldKind.Categorical)}).", nameof(idField));
        if (content.Kind != FieldKind.Vector)
            throw new ArgumentException($"Field '{contentField}' is {content.Kind}; give a dense vector field ({Names(layout, FieldKind.Vector)}).", nameof(contentField));

        var sums = new double[id.Length * content.Length];
        var counts = new int[id.Length];
        using (var cursor = featurizedCatalog.GetRowCursor([featurizedCatalog.Schema[featureColumnName]]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(featurizedCatalog.Schema[featureColumnName]);
            var row = default(VBuffer<float>);
            var values = new float[content.Length];
            while (cursor.MoveNext())
            {
                getter(ref row);
                // Only the set entries are read (the id space is wide and a row sets one of its slots).
                int slot = -1;
                Array.Clear(values);
                var present = row.GetValues();
                var indices = row.IsDense ? default : row.GetIndices();
                for (int k = 0; k < present.Length; k++)
                {
                    int column = row.IsDense ? k : indices[k];
                    if (present[k] == 0f)
                        continue;
                    if (column >= id.Start && column < id.Start + id.Length && slot < 0)
                        slot = column - id.Start;
                    else if (column >= content.Start && column < content.Start + content.Length)
                        values[column - content.Start] = present[k];
                }
                if (slot < 0)
                    continue; // an empty id
                counts[slot]++;
                for (int d = 0; d < content.Length; d++)
                    sums[slot * content.Length + d] += values[d];
            }
        }
        var projection = new float[content.Length * embeddingSize];
        RandomFill.Normal(projection, Math.Sqrt(1.0 / embeddingSize), new Random(seed));
        var vectors = new float[id.Length * embeddingSize];
        for (int slot = 0; slot < id.Length; slot++)
        {
            if (counts[slot] == 0)
                continue;
            var output = vectors.AsSpan(slot * embeddingSize, embeddingSize);
            for (int d = 0; d < content.Length; d++)
            {
                float value = (float)(sums[slot * content.Length + d] / counts[slot]);
                if (value == 0f)
                    continue;
                var weights = projection.AsSpan(d * embeddingSize, embeddingSize);
                for (int k = 0; k < embeddingSize; k++)
                    output[k] += value * weights[k];
            }
        }
        return new PretrainedVectors(vectors, id.Length, embeddingSize, id.Start);
    }

    private static Field Find(FieldLayout layout, string name, string parameter) =>
        layout.Fields.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"Field '{name}' is not in the features (its fields: {string.Join(", ", layout.Fields.Select(f => f.Name))}).", parameter);

    private static string Names(FieldLayout layout, FieldKind kind) => string.Join(", ", layout.Fields.Where(f => f.Kind == kind).Select(f => f.Name));
}

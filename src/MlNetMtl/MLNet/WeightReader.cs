using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet;

/// <summary>Reads a row-weight column (Single or Double), checking every weight is finite and ≥ 0.</summary>
internal static class WeightReader
{
    public static void Check(DataViewSchema schema, string name, string role)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException("column", $"The {role} column '{name}' is not in the data.");
        if (column.Type != NumberDataViewType.Single && column.Type != NumberDataViewType.Double)
            throw new ArgumentOutOfRangeException("column", $"The {role} column '{name}' has type {column.Type}; it must be Single or Double.");
    }

    public static Func<long, float> Create(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        Func<float> raw;
        if (column.Type == NumberDataViewType.Double)
        {
            var getter = cursor.GetGetter<double>(column);
            raw = () => { double value = 0; getter(ref value); return (float)value; };
        }
        else
        {
            var getter = cursor.GetGetter<float>(column);
            raw = () => { float value = 0; getter(ref value); return value; };
        }
        return row =>
        {
            float weight = raw();
            if (!(weight >= 0 && float.IsFinite(weight)))
                throw new ArgumentException($"Weight column '{column.Name}', row {row}: the weight is {weight}; weights must be finite and ≥ 0.");
            return weight;
        };
    }
}

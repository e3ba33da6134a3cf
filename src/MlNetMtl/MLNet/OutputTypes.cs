using Microsoft.ML.Data;
using MlNetMtl.Data;

namespace MlNetMtl.MLNet;

/// <summary>The ML.NET type of each kind of appended output column.</summary>
internal static class OutputTypes
{
    public static DataViewType Of(TaskOutputValue value, int classCount) => value switch
    {
        TaskOutputValue.Decision => BooleanDataViewType.Instance,
        TaskOutputValue.ClassProbabilities => new VectorDataViewType(NumberDataViewType.Single, classCount),
        TaskOutputValue.PredictedClass => new KeyDataViewType(typeof(uint), classCount),
        _ => NumberDataViewType.Single,
    };
}

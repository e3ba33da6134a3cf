using MlNetMtl.Networks;

namespace MlNetMtl.Training;

/// <summary>The optimizer of a training run: the training's own for most parameters, row-wise Adagrad for those that ask for it.</summary>
internal static class Optimizers
{
    public static IOptimizer Create(IReadOnlyList<Parameter> trainable, TrainerOptions options)
    {
        var rowWise = trainable.Where(p => p.RowWiseAdagradRate is not null).ToArray();
        var rest = trainable.Where(p => p.RowWiseAdagradRate is null).ToArray();
        IOptimizer main = options.Optimizer == OptimizerKind.Adam ? new AdamOptimizer(rest, options) : new MomentumOptimizer(rest, options);
        return rowWise.Length == 0 ? main : new Both(main, new RowWiseAdagradOptimizer(rowWise, options));
    }

    private sealed class Both(IOptimizer first, IOptimizer second) : IOptimizer
    {
        public void Begin(float learningRate)
        {
            first.Begin(learningRate);
            second.Begin(learningRate);
        }

        public void Update(int part, int parts)
        {
            first.Update(part, parts);
            second.Update(part, parts);
        }

        public void End()
        {
            first.End();
            second.End();
        }

        public void Write(BinaryWriter writer)
        {
            first.Write(writer);
            second.Write(writer);
        }

        public void Read(BinaryReader reader)
        {
            first.Read(reader);
            second.Read(reader);
        }
    }
}

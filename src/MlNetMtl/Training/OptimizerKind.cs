namespace MlNetMtl.Training;

/// <summary>The optimizer that updates the parameters after each mini-batch.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma &amp; Ba 2015), PyTorch's formulation. The default.</summary>
    Adam,
    /// <summary>Stochastic gradient descent with (heavy-ball) momentum.</summary>
    SgdMomentum,
}

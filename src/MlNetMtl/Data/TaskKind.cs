namespace MlNetMtl.Data;

/// <summary>What a task predicts, and so its output and loss.</summary>
public enum TaskKind
{
    /// <summary>A 0/1 label; the network outputs a logit trained with binary cross-entropy on logits.</summary>
    Binary,
    /// <summary>A real label; the network outputs the value trained with mean squared error.</summary>
    Regression,
    /// <summary>A class index 0 … k−1; the network outputs k logits trained with softmax cross-entropy.</summary>
    Multiclass,
}

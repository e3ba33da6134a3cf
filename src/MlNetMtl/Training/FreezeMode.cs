namespace MlNetMtl.Training;

/// <summary>Which parameters stay fixed while training (transfer learning).</summary>
public enum FreezeMode
{
    /// <summary>Everything trains. The default.</summary>
    None,
    /// <summary>The shared parameters (bottom, experts, gates) stay fixed; towers and heads fine-tune.</summary>
    Shared,
    /// <summary>
    /// Every parameter taken from <see cref="TrainerOptions.WarmStart"/> stays fixed: only the parameters of tasks new
    /// to this run train, so the old tasks' predictions are unchanged.
    /// </summary>
    WarmStarted,
}

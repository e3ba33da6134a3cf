namespace MlNetMtl.Training.Checkpoints;

/// <summary>A run's checkpoints: where and how often, and the signature that a resumed run must match.</summary>
internal sealed record CheckpointPlan(CheckpointOptions Options, RunSignature Signature);

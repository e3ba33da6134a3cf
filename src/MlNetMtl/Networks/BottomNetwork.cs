using MlNetMtl.Data;
using MlNetMtl.Networks.Domains;

namespace MlNetMtl.Networks;

/// <summary>A network whose tasks all read one shared bottom MLP (shared-bottom, ESMM, AITM).</summary>
internal abstract class BottomNetwork : MultiTaskNetwork
{
    private protected BottomNetwork(int inputDimension, IReadOnlyList<TaskDefinition> tasks, BottomOptions options, DomainLayout? domains)
        : base(inputDimension, tasks, options, domains) =>
        Bottom = new Mlp("bottom", inputDimension, options.BottomWidths, linearOutput: false);

    /// <summary>The shared ReLU layers over the input.</summary>
    private protected Mlp Bottom { get; }

    private protected override IEnumerable<Parameter> LayerSharedParameters => Bottom.Parameters;

    private protected override IEnumerable<Parameter> LayerInputWeights => [Bottom.Layers[0].Weight];

    internal override IEnumerable<Parameter> LastSharedParameters => [Bottom.Layers[^1].Weight];
}

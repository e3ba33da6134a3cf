using System.CommandLine;
using System.Globalization;
using MlNetMtl.Training.Privacy;

namespace MlNetMtl.Cli;

/// <summary>
/// <c>mlnet-mtl privacy</c>: the (ε, δ) that DP-SGD spends — rows sampled at rate q per step, noise multiplier σ, a number of
/// steps — by the RDP accountant; or, given a target ε, the smallest σ that meets it.
/// </summary>
internal static class PrivacyCommand
{
    public static Command Create()
    {
        var rate = new Option<double>("--sampling-rate", "-q") { Description = "Probability q that a row (or user) is in a step's batch: the expected batch size over the rows.", Required = true };
        var steps = new Option<long>("--steps") { Description = "Training steps (epochs × 1/q).", Required = true };
        var delta = new Option<double>("--delta") { Description = "δ of the (ε, δ) guarantee, below 1/rows (e.g. 1e-6).", Required = true };
        var noise = new Option<double?>("--noise") { Description = "Noise multiplier σ (noise standard deviation over the clipping norm): prints ε." };
        var epsilon = new Option<double?>("--epsilon") { Description = "Target ε: prints the smallest σ that meets it." };
        var command = new Command("privacy", "Print the ε that DP-SGD spends for a sampling rate, noise multiplier and number of steps (RDP accountant), or the noise multiplier that a target ε needs.");
        foreach (var option in new Option[] { rate, steps, delta, noise, epsilon })
            command.Options.Add(option);
        command.SetAction(parse => CliApp.Guard(parse, run =>
        {
            double q = parse.GetValue(rate), d = parse.GetValue(delta);
            long n = parse.GetValue(steps);
            if (!(q > 0 && q <= 1))
                throw new ArgumentException($"--sampling-rate must be in (0, 1]; got {q.ToString(CultureInfo.InvariantCulture)}.");
            if (n <= 0)
                throw new ArgumentException($"--steps must be positive; got {n}.");
            if (!(d > 0 && d < 1))
                throw new ArgumentException($"--delta must be in (0, 1); got {d.ToString(CultureInfo.InvariantCulture)}.");
            switch (parse.GetValue(noise), parse.GetValue(epsilon))
            {
                case ({ } sigma, null):
                    if (!(sigma >= 0 && double.IsFinite(sigma)))
                        throw new ArgumentException($"--noise must be a number ≥ 0; got {sigma.ToString(CultureInfo.InvariantCulture)}.");
                    var accountant = new RdpAccountant();
                    accountant.Compose(q, sigma, n);
                    var (spent, order) = accountant.Epsilon(d);
                    run.Output.Line(string.Create(CultureInfo.InvariantCulture, $"ε = {spent:G4} at δ = {d:G3} (q = {q:G4}, σ = {sigma:G4}, {n:N0} steps; best RDP order {order:G4})"));
                    return 0;
                case (null, { } target):
                    if (!(target > 0 && double.IsFinite(target)))
                        throw new ArgumentException($"--epsilon must be a positive number; got {target.ToString(CultureInfo.InvariantCulture)}.");
                    double needed = RdpAccountant.NoiseMultiplierFor(target, d, q, n);
                    run.Output.Line(string.Create(CultureInfo.InvariantCulture,
                        $"σ = {needed:G4} gives ε = {RdpAccountant.EpsilonFor(q, needed, n, d):G4} ≤ {target:G4} at δ = {d:G3} (q = {q:G4}, {n:N0} steps)"));
                    return 0;
                default:
                    throw new ArgumentException("Give either --noise σ (to print ε) or --epsilon ε (to print the σ it needs).");
            }
        }));
        return command;
    }
}

namespace Prunet.Pruning;

/// <summary>
/// When, during training, weights are pruned and to what sparsity. Steps are optimizer steps
/// (mini-batches), counted from 0 at the start of the run; the pruning at step t happens before
/// step t's update. Sparsity never decreases, so a pruned weight never comes back.
/// </summary>
public abstract record SparsitySchedule
{
    /// <summary>The step of the first pruning.</summary>
    public abstract int BeginStep { get; }

    /// <summary>The step of the last pruning; from then on the sparsity is <see cref="FinalSparsity"/>.</summary>
    public abstract int EndStep { get; }

    /// <summary>Steps between prunings.</summary>
    public abstract int Frequency { get; }

    /// <summary>The sparsity the schedule ends at.</summary>
    public abstract double FinalSparsity { get; }

    /// <summary>
    /// Whether weights are pruned before step <paramref name="step"/>: every <see cref="Frequency"/>
    /// steps from <see cref="BeginStep"/>, and at <see cref="EndStep"/> whatever the remainder.
    /// </summary>
    public bool PrunesAt(int step)
        => step >= BeginStep && step <= EndStep && ((step - BeginStep) % Frequency == 0 || step == EndStep);

    /// <summary>The target sparsity at <paramref name="step"/> (before <see cref="BeginStep"/>: no pruning yet, 0).</summary>
    public double SparsityAt(int step)
        => step < BeginStep ? 0 : step >= EndStep ? FinalSparsity : SparsityBetween(step);

    /// <summary>The sparsity at a step strictly between <see cref="BeginStep"/> and <see cref="EndStep"/>.</summary>
    private protected abstract double SparsityBetween(int step);

    internal abstract void Validate();

    /// <summary>What provenance records about the schedule.</summary>
    internal abstract Dictionary<string, object?> Describe();

    // In the schedule's own terms: a command line checks what its user typed first, in the options' names.
    private protected static void CheckTiming(int begin, int end, int frequency)
    {
        if (begin < 0)
        {
            throw new ArgumentException($"{nameof(BeginStep)} must be at least 0, got {begin}", nameof(BeginStep));
        }

        if (end < begin)
        {
            throw new ArgumentException($"{nameof(EndStep)} ({end}) must not come before {nameof(BeginStep)} ({begin})", nameof(EndStep));
        }

        if (frequency < 1)
        {
            throw new ArgumentException($"Frequency must be at least 1 step, got {frequency}", "Frequency");
        }
    }

    private protected static void CheckSparsity(string name, double sparsity)
    {
        if (!(sparsity >= 0 && sparsity <= 1))
        {
            throw new ArgumentException($"the {name} sparsity must be between 0 and 1, got {sparsity}");
        }
    }
}

/// <summary>
/// Zhu and Gupta's gradual schedule (2017, "To prune, or not to prune"):
/// <c>s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))^e</c> with e = 3, pruning every Δt =
/// <see cref="Frequency"/> steps from t0 = <see cref="BeginStep"/> to t0 + nΔt =
/// <see cref="EndStep"/>, training in between. The cube prunes fast while many redundant weights
/// remain and slowly near the target, when each weight matters more.
/// </summary>
/// <param name="InitialSparsity">s_i, the sparsity of the first pruning.</param>
/// <param name="FinalSparsity">s_f, reached at <see cref="EndStep"/>.</param>
/// <param name="BeginStep">t0.</param>
/// <param name="EndStep">t0 + nΔt; when the span is not a multiple of Δt, the last pruning is here all the same.</param>
/// <param name="Frequency">Δt, steps between prunings.</param>
/// <param name="Exponent">e; 3 in the paper, 1 is a linear ramp.</param>
public sealed record PolynomialSchedule(double InitialSparsity, double FinalSparsity, int BeginStep, int EndStep, int Frequency, double Exponent = 3) : SparsitySchedule
{
    /// <inheritdoc/>
    public override double FinalSparsity { get; } = FinalSparsity;

    /// <inheritdoc/>
    public override int BeginStep { get; } = BeginStep;

    /// <inheritdoc/>
    public override int EndStep { get; } = EndStep;

    /// <inheritdoc/>
    public override int Frequency { get; } = Frequency;

    private protected override double SparsityBetween(int step)
    {
        double progress = (double)(step - BeginStep) / (EndStep - BeginStep);
        return FinalSparsity + ((InitialSparsity - FinalSparsity) * Math.Pow(1 - progress, Exponent));
    }

    internal override void Validate()
    {
        CheckTiming(BeginStep, EndStep, Frequency);
        CheckSparsity("initial", InitialSparsity);
        CheckSparsity("final", FinalSparsity);
        if (InitialSparsity > FinalSparsity)
        {
            throw new ArgumentException($"the initial sparsity ({InitialSparsity}) must not exceed the final one ({FinalSparsity}): pruned weights never come back");
        }

        if (!(Exponent > 0 && double.IsFinite(Exponent)))
        {
            throw new ArgumentException($"the schedule's exponent must be a positive number, got {Exponent}");
        }
    }

    internal override Dictionary<string, object?> Describe() => new()
    {
        ["schedule"] = "gradual",
        ["initialSparsity"] = InitialSparsity,
        ["beginStep"] = BeginStep,
        ["endStep"] = EndStep,
        ["frequency"] = Frequency,
        ["exponent"] = Exponent,
    };
}

/// <summary>
/// Iterative pruning (Han et al. 2015, "Learning both weights and connections"): prune, retrain,
/// prune again. Every <see cref="Frequency"/> steps from <see cref="BeginStep"/> to
/// <see cref="EndStep"/> one round removes the same fraction of the weights that remain, so after
/// round r of R the sparsity is <c>1 − (1 − s_f)^(r/R)</c>, and the network retrains in between.
/// </summary>
/// <param name="FinalSparsity">s_f, reached by the last round, at <see cref="EndStep"/>.</param>
/// <param name="BeginStep">The first round.</param>
/// <param name="EndStep">The last round.</param>
/// <param name="Frequency">Steps of retraining between rounds (one epoch is Han et al.'s rhythm).</param>
public sealed record IterativeSchedule(double FinalSparsity, int BeginStep, int EndStep, int Frequency) : SparsitySchedule
{
    /// <inheritdoc/>
    public override double FinalSparsity { get; } = FinalSparsity;

    /// <inheritdoc/>
    public override int BeginStep { get; } = BeginStep;

    /// <inheritdoc/>
    public override int EndStep { get; } = EndStep;

    /// <summary>Number of rounds: one per grid step from begin to end (the end always counts).</summary>
    public int Rounds => ((EndStep - BeginStep) / Frequency) + 1 + ((EndStep - BeginStep) % Frequency == 0 ? 0 : 1);

    /// <inheritdoc/>
    public override int Frequency { get; } = Frequency;

    private protected override double SparsityBetween(int step)
    {
        int round = ((step - BeginStep) / Frequency) + 1;
        return 1 - Math.Pow(1 - FinalSparsity, (double)round / Rounds);
    }

    internal override void Validate()
    {
        CheckTiming(BeginStep, EndStep, Frequency);
        CheckSparsity("final", FinalSparsity);
    }

    internal override Dictionary<string, object?> Describe() => new()
    {
        ["schedule"] = "iterative",
        ["beginStep"] = BeginStep,
        ["endStep"] = EndStep,
        ["frequency"] = Frequency,
        ["rounds"] = Rounds,
    };
}

/// <summary>
/// Magnitude pruning while training: at each step the <see cref="Schedule"/> names, the weights
/// (or blocks, per <see cref="Method"/>) of smallest magnitude are zeroed up to the schedule's
/// sparsity and held at zero from then on (gradient, weight and optimizer state masked).
/// </summary>
/// <param name="Schedule">When and how much.</param>
/// <param name="Method">Scope, granularity and block size; its sparsity and threshold must be unset (the schedule owns the sparsity).</param>
public sealed record GradualPruning(SparsitySchedule Schedule, MagnitudePruningOptions Method)
{
    /// <summary>Called after each pruning with the step and every layer's weights (for tests: the mask's history is otherwise invisible).</summary>
    internal Action<int, IReadOnlyList<float[]>>? Observer { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Schedule);
        ArgumentNullException.ThrowIfNull(Method);
        Schedule.Validate();
        if (Method.Sparsity.HasValue || Method.Threshold.HasValue)
        {
            throw new ArgumentException("gradual pruning takes its sparsity from the schedule; the method's sparsity and threshold must be unset");
        }

        Method.ValidateShape();
    }

    /// <summary>What provenance records: the schedule, scope, granularity and block size.</summary>
    public Dictionary<string, object?> Describe()
    {
        Dictionary<string, object?> record = Schedule.Describe();
        record["sparsity"] = Schedule.FinalSparsity;
        record["scope"] = Method.Scope.ToString().ToLowerInvariant();
        record["granularity"] = Method.Granularity.ToString().ToLowerInvariant();
        record["blockSize"] = Method.Granularity == PruningGranularity.Block ? Method.BlockSize : null;
        return record;
    }
}

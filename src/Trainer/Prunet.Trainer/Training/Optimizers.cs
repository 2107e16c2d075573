using System.Numerics;
using System.Runtime.CompilerServices;

namespace Prunet.Training;

/// <summary>
/// Updates a network's parameters from their gradients. Pruned weights (a layer's
/// <see cref="TrainableLayer.Mask"/>) are held at exactly zero: their gradient is masked before
/// the update, and the weight and the optimizer's state for it after, so that nothing (momentum,
/// rounding) can move them.
/// </summary>
internal abstract class Optimizer
{
    // Parameters are updated in chunks of this many, in parallel: the update is element-wise, so
    // the result does not depend on which thread does which chunk. Large enough to amortise a task.
    private const int Chunk = 1 << 15;

    private readonly int _maxThreads;

    protected Optimizer(Network network, int maxThreads)
    {
        Network = network;
        _maxThreads = maxThreads;
    }

    protected Network Network { get; }

    /// <summary>The step size of the next <see cref="Step"/>; a learning-rate schedule changes it between steps.</summary>
    public float LearningRate { get; set; }

    /// <summary>Makes an optimizer of the kind the options ask for, using up to <paramref name="maxThreads"/> threads.</summary>
    public static Optimizer Create(Network network, OptimizerKind kind, float learningRate, float momentum, int maxThreads = 1) => kind switch
    {
        OptimizerKind.Adam => new Adam(network, learningRate, maxThreads),
        OptimizerKind.Sgd => new Sgd(network, learningRate, momentum, maxThreads),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer"),
    };

    /// <summary>One update of every parameter from the gradients of the last backward pass.</summary>
    public void Step()
    {
        BeginStep();
        var chunks = new List<(int Layer, bool Weights, int Start, int Count)>();
        for (int k = 0; k < Network.Layers.Count; k++)
        {
            TrainableLayer layer = Network.Layers[k];
            for (int start = 0; start < layer.Weights.Length; start += Chunk)
            {
                chunks.Add((k, true, start, Math.Min(Chunk, layer.Weights.Length - start)));
            }

            chunks.Add((k, false, 0, layer.Bias.Length));
        }

        if (_maxThreads == 1 || chunks.Count == 1)
        {
            foreach (var chunk in chunks)
            {
                UpdateChunk(chunk.Layer, chunk.Weights, chunk.Start, chunk.Count);
            }

            return;
        }

        Parallel.For(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = _maxThreads }, i => UpdateChunk(chunks[i].Layer, chunks[i].Weights, chunks[i].Start, chunks[i].Count));
    }

    /// <summary>Called once per step before any <see cref="Update"/>.</summary>
    protected virtual void BeginStep()
    {
    }

    /// <summary>
    /// Updates <paramref name="value"/>, the chunk from index <paramref name="start"/> of the
    /// parameter array <paramref name="slot"/> names, from its gradient.
    /// </summary>
    protected abstract void Update(int slot, int start, Span<float> value, ReadOnlySpan<float> gradient);

    /// <summary>The state arrays (same length as the parameter) kept for one slot: 2 per layer, weights then bias.</summary>
    protected abstract float[][] State(int slot);

    /// <summary>One zeroed state array per parameter array of the network, in slot order.</summary>
    protected float[][] ZeroState()
    {
        var state = new float[2 * Network.Layers.Count][];
        for (int k = 0; k < Network.Layers.Count; k++)
        {
            state[2 * k] = new float[Network.Layers[k].Weights.Length];
            state[(2 * k) + 1] = new float[Network.Layers[k].Bias.Length];
        }

        return state;
    }

    private void UpdateChunk(int k, bool weights, int start, int count)
    {
        TrainableLayer layer = Network.Layers[k];
        Span<float> value = (weights ? layer.Weights : layer.Bias).AsSpan(start, count);
        Span<float> gradient = (weights ? layer.WeightGradient : layer.BiasGradient).AsSpan(start, count);
        int slot = (2 * k) + (weights ? 0 : 1);
        PruningMask? mask = weights ? layer.Mask : null;
        mask?.Apply(gradient, start);
        Update(slot, start, value, gradient);
        if (mask != null)
        {
            mask.Apply(value, start);
            foreach (float[] state in State(slot))
            {
                mask.Apply(state.AsSpan(start, count), start);
            }
        }
    }
}

/// <summary>
/// Adam (Kingma and Ba, 2015) with bias correction, PyTorch's defaults β1 = 0.9, β2 = 0.999,
/// ε = 1e-8 and its form of the update: <c>w -= (lr / (1 - β1ᵗ)) · m / (√v / √(1 - β2ᵗ) + ε)</c>.
/// </summary>
internal sealed class Adam : Optimizer
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-8f;

    private readonly float[][] _m;
    private readonly float[][] _v;
    private int _t;
    private float _stepSize;
    private float _rootCorrection2;

    public Adam(Network network, float learningRate, int maxThreads)
        : base(network, maxThreads)
    {
        LearningRate = learningRate;
        _m = ZeroState();
        _v = ZeroState();
    }

    protected override void BeginStep()
    {
        _t++;
        _stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, _t)));
        _rootCorrection2 = (float)Math.Sqrt(1 - Math.Pow(Beta2, _t));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(int slot, int start, Span<float> w, ReadOnlySpan<float> g)
    {
        Span<float> m = _m[slot].AsSpan(start, w.Length);
        Span<float> v = _v[slot].AsSpan(start, w.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var beta1 = new Vector<float>(Beta1);
            var beta2 = new Vector<float>(Beta2);
            var oneMinusBeta1 = new Vector<float>(1 - Beta1);
            var oneMinusBeta2 = new Vector<float>(1 - Beta2);
            var step = new Vector<float>(_stepSize);
            var correction = new Vector<float>(1f / _rootCorrection2);
            var epsilon = new Vector<float>(Epsilon);
            for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var gi = new Vector<float>(g.Slice(i));
                var mi = (beta1 * new Vector<float>(m.Slice(i))) + (oneMinusBeta1 * gi);
                var vi = (beta2 * new Vector<float>(v.Slice(i))) + (oneMinusBeta2 * gi * gi);
                var denominator = (Vector.SquareRoot(vi) * correction) + epsilon;
                (new Vector<float>(w.Slice(i)) - (step * mi / denominator)).CopyTo(w.Slice(i));
                mi.CopyTo(m.Slice(i));
                vi.CopyTo(v.Slice(i));
            }
        }

        for (; i < w.Length; i++)
        {
            m[i] = (Beta1 * m[i]) + ((1 - Beta1) * g[i]);
            v[i] = (Beta2 * v[i]) + ((1 - Beta2) * g[i] * g[i]);
            float denominator = (MathF.Sqrt(v[i]) * (1f / _rootCorrection2)) + Epsilon;
            w[i] -= _stepSize * m[i] / denominator;
        }
    }

    protected override float[][] State(int slot) => new[] { _m[slot], _v[slot] };
}

/// <summary>
/// Stochastic gradient descent with (heavy-ball) momentum, as PyTorch writes it:
/// <c>u = μ·u + g; w -= lr · u</c>. μ = 0 is plain SGD.
/// </summary>
internal sealed class Sgd : Optimizer
{
    private readonly float _momentum;
    private readonly float[][] _velocity;

    public Sgd(Network network, float learningRate, float momentum, int maxThreads)
        : base(network, maxThreads)
    {
        LearningRate = learningRate;
        _momentum = momentum;
        _velocity = ZeroState();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(int slot, int start, Span<float> w, ReadOnlySpan<float> g)
    {
        Span<float> u = _velocity[slot].AsSpan(start, w.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var mu = new Vector<float>(_momentum);
            var lr = new Vector<float>(LearningRate);
            for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var ui = (mu * new Vector<float>(u.Slice(i))) + new Vector<float>(g.Slice(i));
                (new Vector<float>(w.Slice(i)) - (lr * ui)).CopyTo(w.Slice(i));
                ui.CopyTo(u.Slice(i));
            }
        }

        for (; i < w.Length; i++)
        {
            u[i] = (_momentum * u[i]) + g[i];
            w[i] -= LearningRate * u[i];
        }
    }

    protected override float[][] State(int slot) => new[] { _velocity[slot] };
}

using System.Numerics;

namespace Prunet.Training;

/// <summary>
/// Updates a network's parameters from their gradients. Pruned weights (a layer's
/// <see cref="TrainableLayer.Mask"/>) are held at exactly zero: their gradient is masked before
/// the update, and the weight and the optimizer's state for it after, so that nothing (momentum,
/// rounding) can move them.
/// </summary>
internal abstract class Optimizer
{
    protected Optimizer(Network network)
    {
        Network = network;
    }

    protected Network Network { get; }

    /// <summary>Makes an optimizer of the kind the options ask for.</summary>
    public static Optimizer Create(Network network, OptimizerKind kind, float learningRate, float momentum) => kind switch
    {
        OptimizerKind.Adam => new Adam(network, learningRate),
        OptimizerKind.Sgd => new Sgd(network, learningRate, momentum),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer"),
    };

    /// <summary>One update of every parameter from the gradients of the last backward pass.</summary>
    public void Step()
    {
        BeginStep();
        for (int k = 0; k < Network.Layers.Count; k++)
        {
            TrainableLayer layer = Network.Layers[k];
            layer.Mask?.Apply(layer.WeightGradient);
            Update(2 * k, layer.Weights, layer.WeightGradient);
            if (layer.Mask != null)
            {
                layer.Mask.Apply(layer.Weights);
                foreach (float[] state in State(2 * k))
                {
                    layer.Mask.Apply(state);
                }
            }

            Update((2 * k) + 1, layer.Bias, layer.BiasGradient);
        }
    }

    /// <summary>Called once per step before any <see cref="Update"/>.</summary>
    protected virtual void BeginStep()
    {
    }

    /// <summary>Updates one parameter array; <paramref name="slot"/> names its state.</summary>
    protected abstract void Update(int slot, Span<float> value, ReadOnlySpan<float> gradient);

    /// <summary>The state arrays (same length as the parameter) kept for one slot.</summary>
    protected abstract IEnumerable<float[]> State(int slot);

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

    private readonly float _learningRate;
    private readonly float[][] _m;
    private readonly float[][] _v;
    private int _t;
    private float _stepSize;
    private float _rootCorrection2;

    public Adam(Network network, float learningRate)
        : base(network)
    {
        _learningRate = learningRate;
        _m = ZeroState();
        _v = ZeroState();
    }

    protected override void BeginStep()
    {
        _t++;
        _stepSize = (float)(_learningRate / (1 - Math.Pow(Beta1, _t)));
        _rootCorrection2 = (float)Math.Sqrt(1 - Math.Pow(Beta2, _t));
    }

    protected override void Update(int slot, Span<float> w, ReadOnlySpan<float> g)
    {
        Span<float> m = _m[slot];
        Span<float> v = _v[slot];
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

    protected override IEnumerable<float[]> State(int slot)
    {
        yield return _m[slot];
        yield return _v[slot];
    }
}

/// <summary>
/// Stochastic gradient descent with (heavy-ball) momentum, as PyTorch writes it:
/// <c>u = μ·u + g; w -= lr · u</c>. μ = 0 is plain SGD.
/// </summary>
internal sealed class Sgd : Optimizer
{
    private readonly float _learningRate;
    private readonly float _momentum;
    private readonly float[][] _velocity;

    public Sgd(Network network, float learningRate, float momentum)
        : base(network)
    {
        _learningRate = learningRate;
        _momentum = momentum;
        _velocity = ZeroState();
    }

    protected override void Update(int slot, Span<float> w, ReadOnlySpan<float> g)
    {
        Span<float> u = _velocity[slot];
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var mu = new Vector<float>(_momentum);
            var lr = new Vector<float>(_learningRate);
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
            w[i] -= _learningRate * u[i];
        }
    }

    protected override IEnumerable<float[]> State(int slot)
    {
        yield return _velocity[slot];
    }
}

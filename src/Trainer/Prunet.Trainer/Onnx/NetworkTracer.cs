using System.Globalization;

namespace Prunet.Onnx;

/// <summary>
/// Reads a graph node by node and follows the network's data through it, recognising a chain of
/// fully connected layers: the result is a <see cref="NetworkFlow"/> at the graph's output. Values
/// that are not the data are constants (initializers, <c>Constant</c> nodes) or shapes (the
/// <c>Shape</c> → <c>Gather</c> → <c>Unsqueeze</c> → <c>Concat</c> computation that PyTorch emits
/// for <c>x.view(x.size(0), -1)</c>), with the batch size kept symbolic. Every node either changes
/// the flow in a way a Prunet model can express, or is an error naming the node.
/// </summary>
internal sealed class NetworkTracer
{
    /// <summary>What an error lists as supported.</summary>
    public const string SupportedOperators =
        "Gemm, MatMul, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, Add, Sub, Mul and Div by constants, BatchNormalization (inference), "
        + "Flatten, Reshape, Squeeze and Unsqueeze of size-1 dimensions, Transpose (2-D), Identity, Dropout, Constant, "
        + "and Shape, Gather, Concat where they compute a Reshape's target shape";

    private readonly GraphProto _graph;
    private readonly string? _source;
    private readonly long _opset;
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private int _index = -1;
    private NodeProto? _node;
    private long? _declaredBatch;

    private NetworkTracer(GraphProto graph, string? source, long opset)
    {
        _graph = graph;
        _source = source;
        _opset = opset;
    }

    /// <summary>The data input's name.</summary>
    public string InputName { get; private set; } = string.Empty;

    /// <summary>The output's name.</summary>
    public string OutputName { get; private set; } = string.Empty;

    /// <summary>The node whose fixed-size reshape target was read as the batch (a graph exported for a fixed batch), or -1.</summary>
    public int FixedBatchNode { get; private set; } = -1;

    /// <summary>Nodes that compute nothing at inference (Identity, Dropout, shape arithmetic), for the import report.</summary>
    public List<int> PassThroughNodes { get; } = new();

    /// <summary>Follows the data from the graph's input to its output.</summary>
    public static (NetworkFlow Flow, NetworkTracer Tracer) Trace(GraphProto graph, string? source, long opset)
    {
        var tracer = new NetworkTracer(graph, source, opset);
        return (tracer.Run(), tracer);
    }

    /// <summary>An error at the node being read (or at the graph, outside nodes).</summary>
    public OnnxFormatException Error(string reason, int node = -2)
    {
        int index = node == -2 ? _index : node;
        NodeProto? proto = index >= 0 && index < _graph.Node.Count ? _graph.Node[index] : null;
        return new OnnxFormatException(_source, reason, proto == null ? -1 : index, proto?.Name, proto?.OpType);
    }

    private NetworkFlow Run()
    {
        foreach (TensorProto initializer in _graph.Initializer)
        {
            string name = initializer.Name;
            if (name.Length == 0)
            {
                throw Error("an initializer has no name");
            }

            if (_values.ContainsKey(name))
            {
                throw Error("two initializers are named \"" + name + "\"");
            }

            _values[name] = new ConstantValue(OnnxTensor.Decode(initializer, "initializer \"" + name + "\"", reason => Error(reason)));
        }

        DefineInput();
        for (int n = 0; n < _graph.Node.Count; n++)
        {
            _index = n;
            _node = _graph.Node[n];
            Read(_node);
        }

        _index = -1;
        _node = null;
        return Output();
    }

    private void DefineInput()
    {
        var inputs = _graph.Input.Where(i => !_values.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw Error(inputs.Count == 0
                ? "the graph has no input besides its initializers: nothing to feed a sample to"
                : "the graph has " + inputs.Count + " inputs (" + string.Join(", ", inputs.Select(i => "\"" + i.Name + "\"")) + "); Prunet networks take one input tensor");
        }

        ValueInfoProto input = inputs[0];
        InputName = input.Name;
        string what = "the graph input \"" + input.Name + "\"";
        if (input.Name.Length == 0)
        {
            throw Error("the graph input has no name");
        }

        if (input.Type?.TensorType == null)
        {
            throw Error(what + " is not declared as a tensor (no type); Prunet needs its element type and shape, such as FLOAT [N, 784]");
        }

        int elementType = input.Type.TensorType.ElemType;
        if (elementType != (int)TensorProto.Types.DataType.Float)
        {
            throw Error(what + " has element type " + OnnxTensor.TypeName(elementType) + "; Prunet networks take FLOAT (float32) inputs");
        }

        TensorShapeProto? shape = input.Type.TensorType.Shape;
        if (shape == null || shape.Dim.Count == 0)
        {
            throw Error(what + " has no shape; Prunet needs it, such as [N, 784] or [N, 1, 28, 28] (export with an example input of that shape)");
        }

        if (shape.Dim.Count < 2)
        {
            throw Error(what + " has shape " + DescribeDims(shape) + "; Prunet expects a batch dimension first, such as [N, 784]");
        }

        var dims = new List<Dim> { Dim.Batch };
        if (shape.Dim[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
        {
            _declaredBatch = shape.Dim[0].DimValue;
        }

        long features = 1;
        for (int k = 1; k < shape.Dim.Count; k++)
        {
            TensorShapeProto.Types.Dimension dim = shape.Dim[k];
            if (dim.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dim.DimValue < 1)
            {
                throw Error(what + " has shape " + DescribeDims(shape) + ": dimension " + k + " is not a fixed size; every dimension but the first (the batch) must be a number");
            }

            features = Multiply(features, dim.DimValue, what + " has more than " + OnnxTensor.MaxElements + " values per sample");
            dims.Add(Dim.Of(dim.DimValue));
        }

        _values[input.Name] = new DataValue(new NetworkFlow(dims, (int)features));
    }

    private NetworkFlow Output()
    {
        if (_graph.Output.Count != 1)
        {
            throw Error(_graph.Output.Count == 0
                ? "the graph has no output"
                : "the graph has " + _graph.Output.Count + " outputs (" + string.Join(", ", _graph.Output.Select(o => "\"" + o.Name + "\"")) + "); Prunet networks have one output tensor");
        }

        ValueInfoProto output = _graph.Output[0];
        OutputName = output.Name;
        string what = "the graph output \"" + output.Name + "\"";
        if (!_values.TryGetValue(output.Name, out Value? value))
        {
            throw Error(what + " is not computed by any node");
        }

        if (value is not DataValue data)
        {
            throw Error(what + " does not depend on the graph input");
        }

        NetworkFlow flow = data.Flow;
        if (flow.BeforeFirstLayer)
        {
            throw Error("the graph has no layer: no Gemm or MatMul between its input and its output");
        }

        if (flow.BatchAxis != 0)
        {
            throw Error(what + " has shape " + Dim.Format(flow.Shape) + ", one column per sample; Prunet networks output one row per sample ([N, outputs]): transpose it back");
        }

        // A declared output shape must fit what the layers compute (when its dimensions after the batch are numbers).
        if (output.Type?.TensorType?.Shape is { Dim.Count: > 0 } declared
            && declared.Dim.Skip(1).All(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue >= 0))
        {
            long declaredValues = declared.Dim.Skip(1).Aggregate(1L, (product, d) => Multiply(product, d.DimValue, what + " declares too many values"));
            if (declaredValues != flow.Features)
            {
                throw Error(what + " is declared as " + DescribeDims(declared) + ", " + declaredValues + " values per sample, but the layers compute " + flow.Features + " (shape " + Dim.Format(flow.Shape) + ")");
            }
        }

        return flow;
    }

    private void Read(NodeProto node)
    {
        if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
        {
            throw Error("operator domain \"" + node.Domain + "\" is not supported; Prunet imports operators of the default ONNX domain (ai.onnx): " + SupportedOperators);
        }

        switch (node.OpType)
        {
            case "Constant":
                ReadConstant();
                break;
            case "Identity":
                Attributes();
                Define(0, PassThrough(Required(0)));
                PassThroughNodes.Add(_index);
                break;
            case "Dropout":
                ReadDropout();
                break;
            case "Flatten":
                ReadFlatten();
                break;
            case "Reshape":
                ReadReshape();
                break;
            case "Transpose":
                ReadTranspose();
                break;
            case "Shape":
                ReadShape();
                break;
            case "Gather":
                ReadGather();
                break;
            case "Unsqueeze":
                ReadUnsqueeze();
                break;
            case "Concat":
                ReadConcat();
                break;
            case "Squeeze":
                ReadSqueeze();
                break;
            case "Gemm":
                ReadGemm();
                break;
            case "MatMul":
                ReadMatMul();
                break;
            case "Add":
            case "Sub":
            case "Mul":
            case "Div":
                ReadArithmetic(node.OpType);
                break;
            case "BatchNormalization":
                ReadBatchNormalization();
                break;
            case "Relu":
                Attributes();
                Activate(Activation.Relu, 0f);
                break;
            case "LeakyRelu":
                Attributes("alpha");
                Activate(Activation.LeakyRelu, FloatAttribute("alpha", 0.01f));
                break;
            case "Sigmoid":
                Attributes();
                Activate(Activation.Sigmoid, 0f);
                break;
            case "Tanh":
                Attributes();
                Activate(Activation.Tanh, 0f);
                break;
            case "Softmax":
                ReadSoftmax();
                break;
            case "":
                throw Error("the node has no operator (op_type is empty)");
            default:
                throw Error(node.OpType + " is not supported: Prunet imports fully connected networks, made of " + SupportedOperators);
        }
    }

    private void ReadConstant()
    {
        Attributes("value", "value_float", "value_floats", "value_int", "value_ints");
        if (_node!.Attribute.Count != 1)
        {
            throw Error("a Constant needs exactly one value attribute, found " + (_node.Attribute.Count == 0 ? "none" : string.Join(", ", _node.Attribute.Select(a => a.Name))));
        }

        AttributeProto attribute = _node.Attribute[0];
        string name = _node.Output.Count > 0 ? _node.Output[0] : string.Empty;
        OnnxTensor tensor = attribute.Name switch
        {
            "value" => OnnxTensor.Decode(Expect(attribute, AttributeProto.Types.AttributeType.Tensor).T ?? throw Error("attribute value holds no tensor"), "the value", reason => Error(reason)),
            "value_float" => OnnxTensor.FromFloats(name, Array.Empty<long>(), new[] { Expect(attribute, AttributeProto.Types.AttributeType.Float).F }),
            "value_floats" => OnnxTensor.FromFloats(name, new long[] { attribute.Floats.Count }, Expect(attribute, AttributeProto.Types.AttributeType.Floats).Floats.ToArray()),
            "value_int" => OnnxTensor.FromIntegers(name, Array.Empty<long>(), new[] { Expect(attribute, AttributeProto.Types.AttributeType.Int).I }),
            _ => OnnxTensor.FromIntegers(name, new long[] { attribute.Ints.Count }, Expect(attribute, AttributeProto.Types.AttributeType.Ints).Ints.ToArray()),
        };
        Define(0, new ConstantValue(tensor));
    }

    private void ReadDropout()
    {
        Attributes("ratio", "seed", "is_test");
        Value input = Required(0);
        if (Optional(2) is { } trainingMode)
        {
            if (trainingMode is not ConstantValue { Tensor.Integers: { Length: 1 } mode })
            {
                throw Error("training_mode is not a constant boolean; Prunet imports networks for inference, where Dropout passes its input through");
            }

            if (mode[0] != 0)
            {
                throw Error("Dropout runs in training mode (training_mode is true); export the network in inference mode (model.eval() in PyTorch)");
            }
        }

        Define(0, PassThrough(input));
        Define(1, new UnusableValue("Dropout's mask, which exists only in training"));
        PassThroughNodes.Add(_index);
    }

    private void ReadFlatten()
    {
        Attributes("axis");
        NetworkFlow flow = ConsumeData(0, "Flatten");
        int rank = flow.Shape.Count;
        long axis = IntAttribute("axis", 1);
        if (axis < -rank || axis > rank)
        {
            throw Error("axis " + axis + " is out of range for the shape " + Dim.Format(flow.Shape));
        }

        int split = (int)(axis < 0 ? axis + rank : axis);
        int batch = flow.BatchAxis;
        var left = flow.Shape.Take(split).ToList();
        var right = flow.Shape.Skip(split).ToList();
        List<Dim> withBatch = batch < split ? left : right;
        List<Dim> without = batch < split ? right : left;
        if (withBatch.Any(d => !d.IsBatch && d.Size != 1))
        {
            throw Error("Flatten with axis " + axis + " would merge the samples of a batch: " + Dim.Format(flow.Shape) + " does not keep the batch dimension apart (use axis 1, after the batch)");
        }

        Dim features = Dim.Of(without.Aggregate(1L, (product, d) => product * d.Size));
        flow.Shape = batch < split ? new List<Dim> { Dim.Batch, features } : new List<Dim> { features, Dim.Batch };
        Define(0, new DataValue(flow));
    }

    private void ReadReshape()
    {
        Attributes("allowzero", "shape");
        NetworkFlow flow = ConsumeData(0, "Reshape");
        Dim[] target;
        if (Optional(1) is { } shapeInput)
        {
            target = ShapeEntries(shapeInput, "the target shape (input 1)");
        }
        else if (Find("shape") is { } legacy)
        {
            target = Expect(legacy, AttributeProto.Types.AttributeType.Ints).Ints.Select(Dim.Of).ToArray();
        }
        else
        {
            throw Error("Reshape needs a target shape (input 1)");
        }

        bool allowZero = IntAttribute("allowzero", 0) != 0;
        if (flow.BatchAxis != 0)
        {
            throw Error("reshapes data of shape " + Dim.Format(flow.Shape) + ", whose batch dimension is not first: that would mix samples");
        }

        long perSample = flow.Features;
        var result = new Dim[target.Length];
        int inferred = -1;
        long known = 1;
        for (int k = 0; k < target.Length; k++)
        {
            Dim t = target[k];
            if (t.IsBatch)
            {
                result[k] = t;
            }
            else if (t.Size == 0 && !allowZero)
            {
                if (k >= flow.Shape.Count)
                {
                    throw Error("target dimension " + k + " is 0 (copy the input's), but the input " + Dim.Format(flow.Shape) + " has no dimension " + k);
                }

                result[k] = flow.Shape[k];
                if (!result[k].IsBatch)
                {
                    known = Multiply(known, result[k].Size, "the target shape is too large");
                }
            }
            else if (t.Size == -1)
            {
                if (inferred >= 0)
                {
                    throw Error("the target shape " + Dim.Format(target).Replace("-1", "?") + " has more than one -1");
                }

                inferred = k;
            }
            else if (t.Size < 1)
            {
                throw Error("target dimension " + k + " is " + t.Size + "; dimensions must be positive, 0 (copy) or -1 (infer)");
            }
            else
            {
                result[k] = t;
                known = Multiply(known, t.Size, "the target shape is too large");
            }
        }

        int batches = result.Count(d => d.IsBatch);
        string attempt = "cannot reshape " + Dim.Format(flow.Shape) + " (" + perSample + " values per sample) to " + Dim.Format(target);
        if (batches > 1)
        {
            throw Error(attempt + ": the batch size appears twice");
        }

        if (batches == 0 && inferred >= 0 && known == perSample)
        {
            // [-1, 784]: the inferred dimension is the batch.
            result[inferred] = Dim.Batch;
            inferred = -1;
            batches = 1;
        }

        if (batches == 0 && _declaredBatch is long fixedBatch && result.Length > 0 && inferred != 0 && result[0].Size == fixedBatch && (inferred >= 0 || known / fixedBatch == perSample))
        {
            // A graph exported for a fixed batch (often 1) reshapes to literal sizes: [1, 784], [1, -1].
            result[0] = Dim.Batch;
            known /= fixedBatch;
            batches = 1;
            FixedBatchNode = _index;
        }

        if (batches == 0)
        {
            throw Error(attempt + ": the shape does not keep the batch dimension (Prunet imports graphs that take any number of samples: write x.view(x.size(0), -1) or torch.flatten(x, 1))");
        }

        if (inferred >= 0)
        {
            if (known == 0 || perSample % known != 0)
            {
                throw Error(attempt + ": " + perSample + " is not a multiple of " + known);
            }

            result[inferred] = Dim.Of(perSample / known);
        }
        else if (known != perSample)
        {
            throw Error(attempt + ": the target holds " + known + " values per sample");
        }

        if (!result[0].IsBatch)
        {
            throw Error(attempt + ": the batch dimension must stay first");
        }

        flow.Shape = result.ToList();
        Define(0, new DataValue(flow));
    }

    private void ReadTranspose()
    {
        Attributes("perm");
        if (Required(0) is ConstantValue { Tensor: { Floats: { } values, Dims.Length: 2 } matrix })
        {
            // A weight matrix transposed in the graph (exports without constant folding): transposed here.
            if (Find("perm") is { } given && !Expect(given, AttributeProto.Types.AttributeType.Ints).Ints.SequenceEqual(new long[] { 1, 0 }))
            {
                throw Error("Transpose of a matrix with perm [" + string.Join(", ", given.Ints) + "]; expected [1, 0]");
            }

            long rows = matrix.Dims[0], columns = matrix.Dims[1];
            var transposed = new float[values.Length];
            for (long i = 0; i < rows; i++)
            {
                for (long j = 0; j < columns; j++)
                {
                    transposed[(j * rows) + i] = values[(i * columns) + j];
                }
            }

            Define(0, new ConstantValue(OnnxTensor.FromFloats(matrix.Name, new[] { columns, rows }, transposed)));
            PassThroughNodes.Add(_index);
            return;
        }

        NetworkFlow flow = ConsumeData(0, "Transpose");
        int rank = flow.Shape.Count;
        long[] perm = Find("perm") is { } attribute ? Expect(attribute, AttributeProto.Types.AttributeType.Ints).Ints.ToArray() : Enumerable.Range(0, rank).Reverse().Select(k => (long)k).ToArray();
        if (perm.Length != rank || perm.Any(p => p < 0 || p >= rank) || perm.Distinct().Count() != rank)
        {
            throw Error("perm [" + string.Join(", ", perm) + "] is not a permutation of the " + rank + " dimensions of " + Dim.Format(flow.Shape));
        }

        bool identity = perm.Select((p, k) => p == k).All(same => same);
        if (!identity && rank != 2)
        {
            throw Error("Transpose with perm [" + string.Join(", ", perm) + "] reorders the features of " + Dim.Format(flow.Shape) + "; Prunet imports transposes of 2-D data only (samples in rows or in columns)");
        }

        if (!identity)
        {
            flow.Shape = new List<Dim> { flow.Shape[1], flow.Shape[0] };
        }

        Define(0, new DataValue(flow));
    }

    private void ReadShape()
    {
        Attributes("start", "end");
        Dim[] dims = Required(0) switch
        {
            DataValue data => data.Flow.Shape.ToArray(),
            ConstantValue constant => constant.Tensor.Dims.Select(Dim.Of).ToArray(),
            ShapeValue shape => new[] { Dim.Of(shape.Entries.Length) }.Take(shape.Scalar ? 0 : 1).ToArray(),
            _ => throw Error("reads a value that cannot be used"),
        };
        int rank = dims.Length;
        long start = Clamp(IntAttribute("start", 0), rank);
        long end = Clamp(IntAttribute("end", rank), rank);
        Define(0, new ShapeValue(dims.Skip((int)start).Take((int)Math.Max(0, end - start)).ToArray(), scalar: false));
        PassThroughNodes.Add(_index);

        static long Clamp(long axis, int rank) => Math.Clamp(axis < 0 ? axis + rank : axis, 0, rank);
    }

    private void ReadGather()
    {
        Attributes("axis");
        Value data = Required(0);
        if (data is DataValue)
        {
            throw Error("Gather on the network's data is not supported: Prunet reads Gather only where it picks dimensions out of a Shape");
        }

        Dim[] entries = ShapeEntries(data, "the data (input 0)");
        if (IntAttribute("axis", 0) is not (0 or -1))
        {
            throw Error("Gather of a shape needs axis 0");
        }

        Value indices = Required(1);
        if (indices is not ConstantValue { Tensor: { Integers: { } picks } tensor } || tensor.Dims.Length > 1)
        {
            throw Error("Gather's indices must be a constant integer scalar or vector");
        }

        var picked = new Dim[picks.Length];
        for (int k = 0; k < picks.Length; k++)
        {
            long index = picks[k] < 0 ? picks[k] + entries.Length : picks[k];
            if (index < 0 || index >= entries.Length)
            {
                throw Error("index " + picks[k] + " is out of range for a shape of " + entries.Length + " dimensions");
            }

            picked[k] = entries[index];
        }

        Define(0, new ShapeValue(picked, scalar: tensor.Dims.Length == 0));
        PassThroughNodes.Add(_index);
    }

    private void ReadUnsqueeze()
    {
        Attributes("axes");
        Value data = Required(0);
        long[] axes = Axes("Unsqueeze") ?? throw Error("Unsqueeze needs axes");
        if (data is DataValue)
        {
            // Dimensions of size 1 change no sample's values, nor their row-major order.
            NetworkFlow flow = ConsumeData(0, "Unsqueeze");
            int rank = flow.Shape.Count + axes.Length;
            var positions = axes.Select(a => a < 0 ? a + rank : a).ToList();
            if (positions.Any(p => p < 0 || p >= rank) || positions.Distinct().Count() != positions.Count)
            {
                throw Error("axes [" + string.Join(", ", axes) + "] are not distinct axes of the result, of rank " + rank);
            }

            var shape = new List<Dim>(flow.Shape);
            foreach (long position in positions.Order())
            {
                shape.Insert((int)position, Dim.Of(1));
            }

            flow.Shape = shape;
            Define(0, new DataValue(flow));
            return;
        }

        bool scalar = data is ShapeValue { Scalar: true } || data is ConstantValue { Tensor.Dims.Length: 0 };
        if (!scalar || axes.Length != 1 || axes[0] is not (0 or -1))
        {
            throw Error("Prunet reads Unsqueeze only where it turns a scalar into a vector of one (axes [0]), as in a computed Reshape target");
        }

        Define(0, new ShapeValue(ShapeEntries(data, "the data (input 0)"), scalar: false));
        PassThroughNodes.Add(_index);
    }

    private void ReadSqueeze()
    {
        Attributes("axes");
        NetworkFlow flow = ConsumeData(0, "Squeeze");
        int rank = flow.Shape.Count;
        long[]? axes = Axes("Squeeze");
        var remove = new HashSet<int>();
        if (axes == null)
        {
            // Without axes, every dimension of size 1; the batch is kept, whatever its size at run time.
            remove.UnionWith(Enumerable.Range(0, rank).Where(k => !flow.Shape[k].IsBatch && flow.Shape[k].Size == 1));
        }
        else
        {
            foreach (long axis in axes)
            {
                long k = axis < 0 ? axis + rank : axis;
                if (k < 0 || k >= rank || flow.Shape[(int)k].IsBatch || flow.Shape[(int)k].Size != 1)
                {
                    throw Error("axis " + axis + " of " + Dim.Format(flow.Shape) + " is not a dimension of size 1" + (k >= 0 && k < rank && flow.Shape[(int)k].IsBatch ? " (it is the batch)" : string.Empty));
                }

                remove.Add((int)k);
            }
        }

        flow.Shape = flow.Shape.Where((_, k) => !remove.Contains(k)).ToList();
        Define(0, new DataValue(flow));
    }

    // Squeeze's and Unsqueeze's axes: an attribute before opset 13, a constant input from 13 on; null when absent.
    private long[]? Axes(string op)
    {
        if (Optional(1) is { } axesInput)
        {
            return axesInput is ConstantValue { Tensor.Integers: { } values } ? values : throw Error(op + "'s axes (input 1) must be a constant integer vector");
        }

        return Find("axes") is { } attribute ? Expect(attribute, AttributeProto.Types.AttributeType.Ints).Ints.ToArray() : null;
    }

    private void ReadConcat()
    {
        Attributes("axis");
        var entries = new List<Dim>();
        for (int k = 0; k < _node!.Input.Count; k++)
        {
            Value part = Required(k);
            if (part is DataValue)
            {
                throw Error("Concat of the network's data is not supported: Prunet reads Concat only where it builds a Reshape's target shape");
            }

            if (part is ShapeValue { Scalar: true } || part is ConstantValue { Tensor.Dims.Length: not 1 })
            {
                throw Error("Concat of shapes needs vectors; input " + k + " is not one");
            }

            entries.AddRange(ShapeEntries(part, "input " + k));
        }

        if (IntAttribute("axis", 0) is not (0 or -1))
        {
            throw Error("Concat of shapes needs axis 0");
        }

        Define(0, new ShapeValue(entries.ToArray(), scalar: false));
        PassThroughNodes.Add(_index);
    }

    private void ReadGemm()
    {
        Attributes("alpha", "beta", "transA", "transB", "broadcast");
        double alpha = FloatAttribute("alpha", 1f);
        double beta = FloatAttribute("beta", 1f);
        bool transA = IntAttribute("transA", 0) != 0;
        bool transB = IntAttribute("transB", 0) != 0;
        Value a = Required(0);
        Value b = Required(1);
        bool dataIsA = a is DataValue;
        if (dataIsA == b is DataValue)
        {
            throw Error(dataIsA
                ? "both inputs of Gemm are computed from the network's data; Prunet imports layers whose weights are constants"
                : "neither input of Gemm is the network's data (A or B); one must be, the other a constant weight matrix");
        }

        OnnxTensor weights = FloatConstant(dataIsA ? b : a, dataIsA ? "B (input 1)" : "A (input 0)", rank: 2);
        NetworkFlow flow = ConsumeData(dataIsA ? 0 : 1, "Gemm");
        (int features, bool samplesInRows) = TwoDimensional(flow, "Gemm");

        // Y = alpha * A' B' + beta * C, with A' = transA ? A^T : A and B' likewise. With the data
        // as A, A' must hold one sample per row; with the data as B, B' one sample per column.
        bool transposeData = dataIsA ? transA : transB;
        bool fits = dataIsA ? samplesInRows != transA : samplesInRows == transB;
        if (!fits)
        {
            string side = dataIsA ? "A" : "B";
            string flag = dataIsA ? "transA" : "transB";
            throw Error("with " + flag + "=" + (transposeData ? 1 : 0) + " the data " + Dim.Format(flow.Shape) + " as " + side + " would be multiplied across samples; "
                + (dataIsA ? "A' (A after transA) must hold one sample per row" : "B' (B after transB) must hold one sample per column"));
        }

        // W[j, i] from the stored matrix, which is [outputs, inputs] when the data is A and
        // transB is set (PyTorch's nn.Linear), or the data is B and transA is not.
        bool transposeWeights = dataIsA ? transB : transA;
        bool storedOutputsFirst = dataIsA == transposeWeights;
        long rows = weights.Dims[0], columns = weights.Dims[1];
        long inputs = storedOutputsFirst ? columns : rows;
        long outputs = weights.Count / Math.Max(1, inputs);
        if (inputs != features)
        {
            string flag = dataIsA ? "transB" : "transA";
            throw Error(weights.Describe(dataIsA ? "B" : "A") + " (" + flag + "=" + (transposeWeights ? 1 : 0) + ": " + inputs + " inputs) does not fit the " + features + " features of its input " + Dim.Format(flow.Shape));
        }

        var w = new double[outputs * inputs];
        float[] stored = weights.Floats!;
        for (long j = 0; j < outputs; j++)
        {
            for (long i = 0; i < inputs; i++)
            {
                w[(j * inputs) + i] = alpha * stored[storedOutputsFirst ? (j * inputs) + i : (i * outputs) + j];
            }
        }

        var outputShape = dataIsA ? new List<Dim> { Dim.Batch, Dim.Of(outputs) } : new List<Dim> { Dim.Of(outputs), Dim.Batch };
        var bias = new double[outputs];
        bool hasBias = false;
        if (Optional(2) is { } c)
        {
            double[] values = PerFeature(FloatConstant(c, "C (input 2)", rank: -1), outputShape, "C (input 2)");
            for (int j = 0; j < outputs; j++)
            {
                bias[j] = beta * values[j];
            }

            hasBias = true;
        }

        StartLayer(flow, new LayerDraft((int)inputs, (int)outputs, w, bias, hasBias, _index), outputShape);
        Define(0, new DataValue(flow));
    }

    private void ReadMatMul()
    {
        Attributes();
        Value a = Required(0);
        Value b = Required(1);
        bool dataIsA = a is DataValue;
        if (dataIsA == b is DataValue)
        {
            throw Error(dataIsA
                ? "both inputs of MatMul are computed from the network's data; Prunet imports layers whose weights are constants"
                : "neither input of MatMul is the network's data; one must be, the other a constant weight matrix");
        }

        OnnxTensor weights = FloatConstant(dataIsA ? b : a, dataIsA ? "B (input 1)" : "A (input 0)", rank: 2);
        NetworkFlow flow = ConsumeData(dataIsA ? 0 : 1, "MatMul");
        // MatMul broadcasts over leading dimensions: PyTorch's nn.Linear on [N, 1, in] is a MatMul
        // to [N, 1, out]. Dimensions of 1 between the batch and the features change nothing.
        List<Dim>? leading = null;
        if (dataIsA && flow.Shape.Count > 2 && flow.BatchAxis == 0 && flow.Shape.Skip(1).SkipLast(1).All(d => d.Size == 1))
        {
            leading = flow.Shape.SkipLast(1).ToList();
            flow.Shape = new List<Dim> { Dim.Batch, flow.Shape[^1] };
        }

        (int features, bool samplesInRows) = TwoDimensional(flow, "MatMul");
        if (samplesInRows != dataIsA)
        {
            throw Error("the data " + Dim.Format(flow.Shape) + " as " + (dataIsA ? "A" : "B") + " would be multiplied across samples; as A it must hold one sample per row, as B one per column");
        }

        // Data as A: x [N, in] @ W [in, out]. Data as B: W [out, in] @ x [in, N].
        long inputs = dataIsA ? weights.Dims[0] : weights.Dims[1];
        long outputs = dataIsA ? weights.Dims[1] : weights.Dims[0];
        if (inputs != features)
        {
            throw Error(weights.Describe(dataIsA ? "B" : "A") + " (" + inputs + " inputs) does not fit the " + features + " features of its input " + Dim.Format(flow.Shape));
        }

        var w = new double[outputs * inputs];
        float[] stored = weights.Floats!;
        for (long j = 0; j < outputs; j++)
        {
            for (long i = 0; i < inputs; i++)
            {
                w[(j * inputs) + i] = stored[dataIsA ? (i * outputs) + j : (j * inputs) + i];
            }
        }

        var outputShape = dataIsA ? new List<Dim> { Dim.Batch, Dim.Of(outputs) } : new List<Dim> { Dim.Of(outputs), Dim.Batch };
        if (leading != null)
        {
            outputShape = leading.Append(Dim.Of(outputs)).ToList();
        }

        StartLayer(flow, new LayerDraft((int)inputs, (int)outputs, w, new double[outputs], hasBias: false, _index), outputShape);
        Define(0, new DataValue(flow));
    }

    private void StartLayer(NetworkFlow flow, LayerDraft layer, List<Dim> outputShape)
    {
        if (flow.Pending != null)
        {
            // Two layers without an activation between them: the first is linear.
            flow.ClosePending(Activation.Linear, 0f, -1);
        }
        else if (flow.TrailA != null)
        {
            // Arithmetic after an activation, before this layer: part of this layer's input.
            layer.ScaleInputs(flow.TrailA, flow.TrailB!);
            flow.TrailA = null;
            flow.TrailB = null;
            flow.TrailNode = -1;
        }

        flow.Pending = layer;
        flow.Shape = outputShape;
    }

    private void ReadArithmetic(string op)
    {
        Attributes();
        Value x = Required(0);
        Value y = Required(1);
        bool dataFirst = x is DataValue;
        if (x is DataValue && y is DataValue)
        {
            throw Error(op + " of two values computed from the network's data (a residual connection, or similar) is not supported: Prunet imports chains of layers");
        }

        if (x is not DataValue && y is not DataValue)
        {
            throw Error(op + " of two constants is not supported; export with constant folding (PyTorch: do_constant_folding=True, the default)");
        }

        OnnxTensor constant = FloatConstant(dataFirst ? y : x, dataFirst ? "input 1" : "input 0", rank: -1);
        NetworkFlow flow = ConsumeData(dataFirst ? 0 : 1, op);
        double[] c = PerFeature(constant, flow.Shape, constant.Describe("the constant"));
        if (op == "Div")
        {
            if (!dataFirst)
            {
                throw Error("divides a constant by the network's data (c / x), which is not an affine map; Prunet folds x / c only");
            }

            if (c.Any(v => v == 0))
            {
                throw Error("divides the data by zero");
            }
        }

        if (flow.BeforeFirstLayer)
        {
            Apply(op, dataFirst, flow.InputA, flow.InputB, c);
            flow.InputNodes.Add(_index);
        }
        else if (flow.Pending is { HasBias: false } layer && flow.TrailA == null && (op == "Add" || (op == "Sub" && dataFirst)))
        {
            // MatMul + Add (how Keras and tf2onnx write a dense layer): the Add is the bias.
            for (int j = 0; j < c.Length; j++)
            {
                layer.Bias[j] = op == "Add" ? c[j] : -c[j];
            }

            layer.HasBias = true;
        }
        else
        {
            if (flow.TrailA == null)
            {
                flow.TrailA = Enumerable.Repeat(1.0, c.Length).ToArray();
                flow.TrailB = new double[c.Length];
                flow.TrailNode = _index;
            }

            Apply(op, dataFirst, flow.TrailA, flow.TrailB!, c);
        }

        Define(0, new DataValue(flow));
    }

    private void ReadBatchNormalization()
    {
        Attributes("epsilon", "momentum", "training_mode", "spatial", "is_test");
        if (IntAttribute("training_mode", 0) != 0 || _node!.Output.Skip(1).Any(o => o.Length > 0))
        {
            throw Error("BatchNormalization in training mode (it updates its statistics); export the network in inference mode (model.eval() in PyTorch)");
        }

        if (IntAttribute("spatial", 1) == 0)
        {
            throw Error("BatchNormalization with spatial=0 (statistics per element, opset 8 and older) is not supported");
        }

        // Inference: y = scale (x - mean) / sqrt(var + epsilon) + B per channel (axis 1): an affine map of each feature.
        double epsilon = FloatAttribute("epsilon", 1e-5f);
        OnnxTensor scale = FloatConstant(Required(1), "scale (input 1)", rank: 1);
        OnnxTensor bias = FloatConstant(Required(2), "B (input 2)", rank: 1);
        OnnxTensor mean = FloatConstant(Required(3), "mean (input 3)", rank: 1);
        OnnxTensor variance = FloatConstant(Required(4), "var (input 4)", rank: 1);
        NetworkFlow flow = ConsumeData(0, "BatchNormalization");
        if (flow.Shape.Count < 2 || flow.BatchAxis != 0)
        {
            throw Error("BatchNormalization of data of shape " + Dim.Format(flow.Shape) + "; Prunet reads it over axis 1 of data with one sample per row");
        }

        long channels = flow.Shape[1].Size;
        foreach (OnnxTensor parameter in new[] { scale, bias, mean, variance })
        {
            if (parameter.Count != channels)
            {
                throw Error(parameter.Describe("the parameter") + " has " + parameter.Count + " values; the data " + Dim.Format(flow.Shape) + " has " + channels + " channels (axis 1)");
            }
        }

        var a = new float[channels];
        var b = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double denominator = Math.Sqrt((double)variance.Floats![c] + epsilon);
            if (!(denominator > 0))
            {
                throw Error("the variance of channel " + c + " is " + variance.Floats[c].ToString(CultureInfo.InvariantCulture) + ": var + epsilon must be positive");
            }

            a[c] = (float)(scale.Floats![c] / denominator);
            b[c] = (float)(bias.Floats![c] - (mean.Floats![c] * (double)scale.Floats[c] / denominator));
        }

        // Per channel, repeated over the dimensions after it ([C, 1, ...] broadcasts over [N, C, H, W]).
        long[] dims = new[] { channels }.Concat(Enumerable.Repeat(1L, flow.Shape.Count - 2)).ToArray();
        double[] perFeatureA = PerFeature(OnnxTensor.FromFloats("scale", dims, a), flow.Shape, "the scale");
        double[] perFeatureB = PerFeature(OnnxTensor.FromFloats("shift", dims, b), flow.Shape, "the shift");
        Affine(flow, perFeatureA, perFeatureB);
        Define(0, new DataValue(flow));
    }

    // Element-wise y = a x + b on the data, wherever it is: before the first layer (preprocessing) or after a layer.
    private void Affine(NetworkFlow flow, double[] a, double[] b)
    {
        if (flow.BeforeFirstLayer)
        {
            Apply("Mul", true, flow.InputA, flow.InputB, a);
            Apply("Add", true, flow.InputA, flow.InputB, b);
            flow.InputNodes.Add(_index);
            return;
        }

        if (flow.TrailA == null)
        {
            flow.TrailA = Enumerable.Repeat(1.0, a.Length).ToArray();
            flow.TrailB = new double[a.Length];
            flow.TrailNode = _index;
        }

        Apply("Mul", true, flow.TrailA, flow.TrailB!, a);
        Apply("Add", true, flow.TrailA, flow.TrailB!, b);
    }

    // x ↦ a x + b, then the operation with constant c.
    private static void Apply(string op, bool dataFirst, double[] a, double[] b, double[] c)
    {
        for (int k = 0; k < a.Length; k++)
        {
            switch (op)
            {
                case "Add":
                    b[k] += c[k];
                    break;
                case "Sub" when dataFirst:
                    b[k] -= c[k];
                    break;
                case "Sub":
                    a[k] = -a[k];
                    b[k] = c[k] - b[k];
                    break;
                case "Mul":
                    a[k] *= c[k];
                    b[k] *= c[k];
                    break;
                default:
                    a[k] /= c[k];
                    b[k] /= c[k];
                    break;
            }
        }
    }

    private void ReadSoftmax()
    {
        Attributes("axis");
        NetworkFlow peek = PeekData(0, "Softmax");
        // The default axis became -1 in opset 13; before, it was 1 (with the input coerced to 2-D).
        long axis = IntAttribute("axis", _opset >= 13 ? -1 : 1);
        int rank = peek.Shape.Count;
        long resolved = axis < 0 ? axis + rank : axis;
        bool overFeatures = rank == 2 && resolved == 1 - peek.BatchAxis;
        if (!overFeatures)
        {
            throw Error("Softmax over axis " + axis + " of " + Dim.Format(peek.Shape) + " is not over the outputs of one sample; Prunet's softmax normalises each sample's outputs");
        }

        Activate(Activation.Softmax, 0f);
    }

    private void Activate(Activation activation, float alpha)
    {
        string op = _node!.OpType;
        NetworkFlow flow = ConsumeData(0, op);
        if (flow.BeforeFirstLayer)
        {
            throw Error(op + " on the network's input, before any Gemm or MatMul layer; Prunet models apply activations to layer outputs only");
        }

        if (flow.Pending != null)
        {
            flow.ClosePending(activation, alpha, _index);
        }
        else if (flow.TrailA != null)
        {
            throw Error(op + " after element-wise arithmetic (from " + OnnxFormatException.DescribeNode(flow.TrailNode, _graph.Node[flow.TrailNode].Name, _graph.Node[flow.TrailNode].OpType) + ") on the outputs of an activation; Prunet folds such arithmetic only into the next layer's weights or, at the end of a regression network, into its output scaling");
        }
        else
        {
            LayerDraft last = flow.Layers[^1];
            throw Error(op + " after another activation (" + ActivationNames.ToName(last.Activation) + ", from " + OnnxFormatException.DescribeNode(last.ActivationNode, _graph.Node[last.ActivationNode].Name, _graph.Node[last.ActivationNode].OpType) + "); a Prunet layer has one activation");
        }

        Define(0, new DataValue(flow));
    }

    private (int Features, bool SamplesInRows) TwoDimensional(NetworkFlow flow, string op)
    {
        if (flow.Shape.Count != 2)
        {
            throw Error(op + " takes 2-D data, one sample per row; here the data has shape " + Dim.Format(flow.Shape) + ": flatten it first (torch.flatten(x, 1) or x.view(x.size(0), -1))");
        }

        return ((int)flow.Features, flow.BatchAxis == 0);
    }

    /// <summary>
    /// The value of a constant for each feature of data of shape <paramref name="shape"/>, by the
    /// ONNX broadcasting rule (shapes aligned on the right, dimensions of 1 repeated), with the
    /// features in row-major order of the dimensions other than the batch.
    /// </summary>
    private double[] PerFeature(OnnxTensor constant, List<Dim> shape, string what)
    {
        float[] values = constant.Floats!;
        int rank = shape.Count;
        int r = constant.Dims.Length;
        string mismatch = what + " does not broadcast over the data " + Dim.Format(shape) + " (one value, or one per feature)";
        if (r > rank)
        {
            throw Error(mismatch + ": it has more dimensions");
        }

        var strides = new long[rank];
        long stride = 1;
        for (int k = r - 1; k >= 0; k--)
        {
            int s = rank - r + k;
            long size = constant.Dims[k];
            if (size != 1 && (shape[s].IsBatch || shape[s].Size != size))
            {
                throw Error(mismatch + (shape[s].IsBatch ? ": it has a dimension along the batch" : string.Empty));
            }

            strides[s] = size == 1 ? 0 : stride;
            stride *= size;
        }

        var result = new double[(int)shape.Where(d => !d.IsBatch).Aggregate(1L, (product, d) => product * d.Size)];
        for (int f = 0; f < result.Length; f++)
        {
            long rest = f, index = 0;
            for (int s = rank - 1; s >= 0; s--)
            {
                if (shape[s].IsBatch)
                {
                    continue;
                }

                index += rest % shape[s].Size * strides[s];
                rest /= shape[s].Size;
            }

            result[f] = values[index];
        }

        return result;
    }

    private OnnxTensor FloatConstant(Value value, string what, int rank)
    {
        if (value is not ConstantValue constant)
        {
            throw Error(what + " is computed in the graph; Prunet needs a constant (an initializer or a Constant node) here");
        }

        OnnxTensor tensor = constant.Tensor;
        if (tensor.Floats == null)
        {
            throw Error(tensor.Describe(what) + " holds " + OnnxTensor.TypeName(tensor.DataType) + " values; weights, biases and other constants must be FLOAT (float32)");
        }

        if (rank >= 0 && tensor.Dims.Length != rank)
        {
            throw Error(tensor.Describe(what) + " has " + tensor.Dims.Length + " dimensions; " + (rank == 2 ? "a weight matrix has 2" : "expected " + rank));
        }

        if (rank == 2 && (tensor.Dims[0] == 0 || tensor.Dims[1] == 0))
        {
            throw Error(tensor.Describe(what) + " is empty");
        }

        return tensor;
    }

    private Dim[] ShapeEntries(Value value, string what) => value switch
    {
        ShapeValue shape => shape.Entries,
        ConstantValue { Tensor.Integers: { } values } constant when constant.Tensor.Dims.Length <= 1 => values.Select(Dim.Of).ToArray(),
        ConstantValue constant => throw Error(constant.Tensor.Describe(what) + " is not an integer scalar or vector (found " + OnnxTensor.TypeName(constant.Tensor.DataType) + ")"),
        DataValue => throw Error(what + " is computed from the network's data; a shape (from Shape, or a constant) was expected"),
        _ => throw Error(what + " cannot be used here"),
    };

    private Value PassThrough(Value value) => value is DataValue ? new DataValue(ConsumeData(0, _node!.OpType)) : value;

    private NetworkFlow ConsumeData(int input, string op)
    {
        if (Required(input) is not DataValue data)
        {
            throw Error(op + " of a constant or shape (input " + input + ") is not supported: Prunet reads " + op + " on the network's data only");
        }

        if (data.Consumer >= 0 && data.Consumer != _index)
        {
            NodeProto first = _graph.Node[data.Consumer];
            throw Error("the value \"" + _node!.Input[input] + "\" also feeds " + OnnxFormatException.DescribeNode(data.Consumer, first.Name, first.OpType) + "; Prunet imports chains of layers, not graphs that branch");
        }

        data.Consumer = _index;
        return data.Flow.Clone();
    }

    private NetworkFlow PeekData(int input, string op)
        => Required(input) is DataValue data ? data.Flow : throw Error(op + " of a constant or shape is not supported: Prunet reads " + op + " on the network's data only");

    private Value Required(int input)
        => Optional(input) ?? throw Error("input " + input + " is missing");

    private Value? Optional(int input)
    {
        if (input >= _node!.Input.Count || _node.Input[input].Length == 0)
        {
            return null;
        }

        string name = _node.Input[input];
        if (!_values.TryGetValue(name, out Value? value))
        {
            throw Error("reads \"" + name + "\", which is not a graph input, an initializer, nor an output of an earlier node");
        }

        if (value is UnusableValue unusable)
        {
            throw Error("reads \"" + name + "\", " + unusable.Why);
        }

        return value;
    }

    private void Define(int output, Value value)
    {
        if (output >= _node!.Output.Count || _node.Output[output].Length == 0)
        {
            if (output == 0)
            {
                throw Error("the node has no output");
            }

            return;
        }

        string name = _node.Output[output];
        if (!_values.TryAdd(name, value))
        {
            throw Error("defines \"" + name + "\", which is already defined (by a graph input, an initializer or an earlier node)");
        }
    }

    // Attributes the node may have; any other is an error, since it could change what the node computes.
    private void Attributes(params string[] known)
    {
        foreach (AttributeProto attribute in _node!.Attribute)
        {
            if (Array.IndexOf(known, attribute.Name) < 0)
            {
                throw Error("attribute \"" + attribute.Name + "\" is not supported" + (known.Length == 0 ? " (" + _node.OpType + " takes none in the opsets Prunet reads)" : " (" + _node.OpType + "'s attributes: " + string.Join(", ", known) + ")"));
            }

            if (attribute.RefAttrName.Length > 0)
            {
                throw Error("attribute \"" + attribute.Name + "\" refers to a function's attribute; Prunet imports graphs, not function bodies");
            }
        }
    }

    private AttributeProto? Find(string name) => _node!.Attribute.FirstOrDefault(a => a.Name == name);

    private long IntAttribute(string name, long fallback)
        => Find(name) is { } attribute ? Expect(attribute, AttributeProto.Types.AttributeType.Int).I : fallback;

    private float FloatAttribute(string name, float fallback)
    {
        if (Find(name) is not { } attribute)
        {
            return fallback;
        }

        float value = Expect(attribute, AttributeProto.Types.AttributeType.Float).F;
        if (!float.IsFinite(value))
        {
            throw Error("attribute \"" + name + "\" is " + value.ToString(CultureInfo.InvariantCulture) + "; it must be finite");
        }

        return value;
    }

    // Files from IR version 1 may leave the type out; then the field is trusted.
    private AttributeProto Expect(AttributeProto attribute, AttributeProto.Types.AttributeType type)
        => attribute.Type == type || attribute.Type == AttributeProto.Types.AttributeType.Undefined
            ? attribute
            : throw Error("attribute \"" + attribute.Name + "\" is of type " + attribute.Type.ToString().ToUpperInvariant() + "; expected " + type.ToString().ToUpperInvariant());

    private long Multiply(long a, long b, string tooLarge)
        => b != 0 && a > OnnxTensor.MaxElements / b ? throw Error(tooLarge) : a * b;

    private static string DescribeDims(TensorShapeProto shape)
        => "[" + string.Join(", ", shape.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
            _ => "?",
        })) + "]";

    private abstract class Value
    {
    }

    /// <summary>An initializer or the value of a Constant node.</summary>
    private sealed class ConstantValue : Value
    {
        public ConstantValue(OnnxTensor tensor) => Tensor = tensor;

        public OnnxTensor Tensor { get; }
    }

    /// <summary>An integer scalar or vector of dimensions, some of which may be the batch size.</summary>
    private sealed class ShapeValue : Value
    {
        public ShapeValue(Dim[] entries, bool scalar)
        {
            Entries = entries;
            Scalar = scalar && entries.Length == 1;
        }

        public Dim[] Entries { get; }

        public bool Scalar { get; }
    }

    /// <summary>The network's data at one point of the graph.</summary>
    private sealed class DataValue : Value
    {
        public DataValue(NetworkFlow flow) => Flow = flow;

        public NetworkFlow Flow { get; }

        /// <summary>The node that reads it, or -1: data read by two nodes is a branch.</summary>
        public int Consumer { get; set; } = -1;
    }

    /// <summary>An output that exists only in training, such as Dropout's mask.</summary>
    private sealed class UnusableValue : Value
    {
        public UnusableValue(string why) => Why = why;

        public string Why { get; }
    }
}

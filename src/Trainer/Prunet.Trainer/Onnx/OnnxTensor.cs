using System.Buffers.Binary;
using Google.Protobuf;

namespace Prunet.Onnx;

/// <summary>
/// A constant tensor of a graph (an initializer or a <c>Constant</c> node's value), decoded: its
/// dimensions and its values as float32 (weights, biases, normalisation constants) or as integers
/// (shapes and indices). Tensors of other element types keep only their type, so that the error
/// can say what was found where a float or an integer was needed.
/// </summary>
internal sealed class OnnxTensor
{
    /// <summary>
    /// Most elements one tensor may have: the largest layer the model format allows
    /// (<see cref="DenseLayer.MaxWeights"/>). A guard against dimensions that claim more values
    /// than any network Prunet is for, before anything is allocated for them.
    /// </summary>
    public const long MaxElements = DenseLayer.MaxWeights;

    // The specification's names, indexed by TensorProto.DataType value.
    private static readonly string[] TypeNames =
    {
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
        "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
    };

    private OnnxTensor(string name, long[] dims, int dataType, float[]? floats, long[]? integers)
    {
        Name = name;
        Dims = dims;
        DataType = dataType;
        Floats = floats;
        Integers = integers;
    }

    /// <summary>The tensor's name (empty for an unnamed <c>Constant</c> value).</summary>
    public string Name { get; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public long[] Dims { get; }

    /// <summary>The element type, a <see cref="TensorProto.Types.DataType"/> value.</summary>
    public int DataType { get; }

    /// <summary>The values, row-major, when the element type is FLOAT; else null.</summary>
    public float[]? Floats { get; }

    /// <summary>The values, row-major, when the element type is INT64, INT32 or BOOL (0 or 1); else null.</summary>
    public long[]? Integers { get; }

    /// <summary>Number of elements (1 for a scalar).</summary>
    public long Count => Dims.Aggregate(1L, (product, d) => product * d);

    /// <summary>The shape as ONNX tools print it, such as <c>[300, 784]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Dims) + "]";

    /// <summary>What the tensor is in a message: <c>initializer "fc1.weight" [300, 784]</c>.</summary>
    public string Describe(string what) => what + (Name.Length > 0 ? " \"" + Name + "\"" : string.Empty) + " " + ShapeText;

    /// <summary>
    /// Decodes a tensor. Float values come from <c>raw_data</c> (little-endian) or <c>float_data</c>,
    /// integers from <c>raw_data</c>, <c>int64_data</c> or <c>int32_data</c>. Throws
    /// <see cref="OnnxFormatException"/> (through <paramref name="fail"/>) when the dimensions and the
    /// number of values disagree or the values are stored outside the file.
    /// </summary>
    /// <param name="proto">The tensor as parsed.</param>
    /// <param name="what">How messages name it, such as <c>initializer "fc1.weight"</c>.</param>
    /// <param name="fail">Makes the exception, with the file and node the tensor belongs to.</param>
    public static OnnxTensor Decode(TensorProto proto, string what, Func<string, OnnxFormatException> fail)
    {
        string name = proto.Name;
        string label = what + (name.Length > 0 && !what.Contains('"') ? " \"" + name + "\"" : string.Empty);
        long[] dims = proto.Dims.ToArray();
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0)
            {
                throw fail(label + " has a negative dimension (" + string.Join(", ", dims) + ")");
            }

            count = d == 0 ? 0 : count > MaxElements / d ? MaxElements + 1 : count * d;
        }

        if (count > MaxElements)
        {
            throw fail(label + " has dimensions [" + string.Join(", ", dims) + "], more than the " + MaxElements + " elements Prunet reads in one tensor");
        }

        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
        {
            throw fail(label + " keeps its values in an external file (ONNX external data); Prunet imports self-contained files: save the model with its tensors inside (onnx.save(model, path, save_as_external_data=False))");
        }

        int type = proto.DataType;
        ByteString raw = proto.RawData;
        switch ((TensorProto.Types.DataType)type)
        {
            case TensorProto.Types.DataType.Float:
            {
                var values = new float[count];
                if (raw.Length > 0)
                {
                    CheckRawLength(raw.Length, count, 4, label, fail);
                    ReadOnlySpan<byte> bytes = raw.Span;
                    for (int k = 0; k < values.Length; k++)
                    {
                        values[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * k, 4));
                    }
                }
                else
                {
                    CheckTypedLength(proto.FloatData.Count, count, "float_data", label, fail);
                    proto.FloatData.CopyTo(values, 0);
                }

                return new OnnxTensor(name, dims, type, values, null);
            }

            case TensorProto.Types.DataType.Int64:
            {
                var values = new long[count];
                if (raw.Length > 0)
                {
                    CheckRawLength(raw.Length, count, 8, label, fail);
                    ReadOnlySpan<byte> bytes = raw.Span;
                    for (int k = 0; k < values.Length; k++)
                    {
                        values[k] = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(8 * k, 8));
                    }
                }
                else
                {
                    CheckTypedLength(proto.Int64Data.Count, count, "int64_data", label, fail);
                    proto.Int64Data.CopyTo(values, 0);
                }

                return new OnnxTensor(name, dims, type, null, values);
            }

            case TensorProto.Types.DataType.Int32:
            {
                var values = new long[count];
                if (raw.Length > 0)
                {
                    CheckRawLength(raw.Length, count, 4, label, fail);
                    ReadOnlySpan<byte> bytes = raw.Span;
                    for (int k = 0; k < values.Length; k++)
                    {
                        values[k] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(4 * k, 4));
                    }
                }
                else
                {
                    CheckTypedLength(proto.Int32Data.Count, count, "int32_data", label, fail);
                    for (int k = 0; k < values.Length; k++)
                    {
                        values[k] = proto.Int32Data[k];
                    }
                }

                return new OnnxTensor(name, dims, type, null, values);
            }

            case TensorProto.Types.DataType.Bool:
            {
                // Dropout's training_mode: one byte per value in raw_data, else int32_data.
                var values = new long[count];
                if (raw.Length > 0)
                {
                    CheckRawLength(raw.Length, count, 1, label, fail);
                    for (int k = 0; k < values.Length; k++)
                    {
                        values[k] = raw[k] != 0 ? 1 : 0;
                    }
                }
                else
                {
                    CheckTypedLength(proto.Int32Data.Count, count, "int32_data", label, fail);
                    for (int k = 0; k < values.Length; k++)
                    {
                        values[k] = proto.Int32Data[k] != 0 ? 1 : 0;
                    }
                }

                return new OnnxTensor(name, dims, type, null, values);
            }

            default:
                // Kept by type only: an error names it if something needs its values.
                return new OnnxTensor(name, dims, type, null, null);
        }
    }

    /// <summary>A float tensor made from values (a <c>Constant</c> node's <c>value_float(s)</c>).</summary>
    public static OnnxTensor FromFloats(string name, long[] dims, float[] values)
        => new(name, dims, (int)TensorProto.Types.DataType.Float, values, null);

    /// <summary>An integer tensor made from values (a <c>Constant</c> node's <c>value_int(s)</c>).</summary>
    public static OnnxTensor FromIntegers(string name, long[] dims, long[] values)
        => new(name, dims, (int)TensorProto.Types.DataType.Int64, null, values);

    /// <summary>The ONNX name of an element type: <c>FLOAT</c>, <c>INT64</c>, or the number when unknown.</summary>
    public static string TypeName(int dataType)
        => dataType >= 0 && dataType < TypeNames.Length ? TypeNames[dataType] : "type " + dataType;

    private static void CheckRawLength(int bytes, long count, int size, string label, Func<string, OnnxFormatException> fail)
    {
        if (bytes != count * size)
        {
            throw fail(label + " has " + bytes + " bytes of raw_data; its dimensions need " + count + " values of " + size + " bytes (" + (count * size) + ")");
        }
    }

    private static void CheckTypedLength(int found, long count, string field, string label, Func<string, OnnxFormatException> fail)
    {
        if (found != count)
        {
            throw fail(label + " has " + found + " values in " + field + "; its dimensions need " + count);
        }
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Prunet.Data;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST (LeCun et al.): a big-endian magic number
/// (0x00000803: unsigned bytes in 3 dimensions, images; 0x00000801: 1 dimension, labels), one
/// big-endian int32 per dimension, then the bytes. Files may be gzip-compressed (recognised by
/// their content, not their name).
/// </summary>
internal static class IdxReader
{
    /// <summary>Magic number of an image file: unsigned bytes (0x08), 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes (0x08), 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>True when (decompressed) file content starts like an IDX file of unsigned bytes.</summary>
    public static bool LooksLikeIdx(byte[] bytes)
        => bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08 && bytes[3] is 1 or 3;

    /// <summary>
    /// Reads an image file and its label file as a classification dataset: one feature per pixel,
    /// named <c>pixel0</c>... row by row, raw values 0..255. Classes are the distinct label values
    /// in numeric order, or, given <paramref name="classNames"/> (a training set's), those.
    /// </summary>
    public static Dataset Read(string imagesPath, string labelsPath, string name, IReadOnlyList<string>? classNames)
    {
        byte[] images = ReadBytes(imagesPath);
        int[] imageDims = Header(images, imagesPath, ImagesMagic, "images");
        byte[] labelBytes = ReadBytes(labelsPath);
        int[] labelDims = Header(labelBytes, labelsPath, LabelsMagic, "labels");
        int count = imageDims[0];
        if (labelDims[0] != count)
        {
            throw new DataFormatException(labelsPath, "has " + labelDims[0] + " labels but " + Path.GetFileName(imagesPath) + " has " + count + " images", byteOffset: 4);
        }

        int features = imageDims[1] * imageDims[2];
        int dataStart = 16;
        var x = new float[(long)count * features];
        for (long i = 0; i < x.Length; i++)
        {
            x[i] = images[dataStart + i];
        }

        string[] featureNames = Enumerable.Range(0, features).Select(i => "pixel" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        const int labelStart = 8;
        IReadOnlyList<string> names = classNames ?? labelBytes.Skip(labelStart).Distinct().Order().Select(b => b.ToString(CultureInfo.InvariantCulture)).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < names.Count; c++)
        {
            index[names[c]] = c;
        }

        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            string label = labelBytes[labelStart + r].ToString(CultureInfo.InvariantCulture);
            if (!index.TryGetValue(label, out labels[r]))
            {
                throw new DataFormatException(labelsPath, "label " + label + " (image " + r + ") does not occur in the training labels (" + string.Join(", ", names) + ")", byteOffset: labelStart + r);
            }
        }

        return Dataset.ForClassification(name, x, featureNames, labels, names, "label");
    }

    // The dimensions, after checking the magic number and that the data is exactly as long as they say.
    private static int[] Header(byte[] bytes, string path, int magic, string what)
    {
        if (bytes.Length < 4)
        {
            throw new DataFormatException(path, "the file is " + bytes.Length + " bytes long, too short for an IDX header", byteOffset: 0);
        }

        int found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
        {
            string hint = found == ImagesMagic ? " (this is an image file)" : found == LabelsMagic ? " (this is a label file)" : string.Empty;
            throw new DataFormatException(path, string.Format(CultureInfo.InvariantCulture, "magic number 0x{0:X8}, expected 0x{1:X8} (IDX {2}){3}", found, magic, what, hint), byteOffset: 0);
        }

        int dimensions = magic & 0xFF;
        int headerSize = 4 + (4 * dimensions);
        if (bytes.Length < headerSize)
        {
            throw new DataFormatException(path, "truncated header: " + dimensions + " dimension sizes need " + headerSize + " bytes, the file has " + bytes.Length, byteOffset: bytes.Length);
        }

        var dims = new int[dimensions];
        long expected = 1;
        for (int d = 0; d < dimensions; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * d)));
            if (dims[d] <= 0)
            {
                throw new DataFormatException(path, "dimension " + d + " is " + dims[d] + "; sizes must be positive", byteOffset: 4 + (4 * d));
            }

            expected *= dims[d];
        }

        long actual = bytes.Length - headerSize;
        if (actual < expected)
        {
            throw new DataFormatException(path, "truncated: the header promises " + string.Join(" × ", dims) + " = " + expected + " bytes of " + what + " but only " + actual + " follow", byteOffset: bytes.Length);
        }

        if (actual > expected)
        {
            throw new DataFormatException(path, (actual - expected) + " unexpected bytes after the " + string.Join(" × ", dims) + " " + what + " the header describes", byteOffset: headerSize + expected);
        }

        return dims;
    }

    /// <summary>The file's bytes, decompressed when they are gzip (recognised by the gzip magic, not the name).</summary>
    public static byte[] ReadBytes(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 2 || bytes[0] != 0x1F || bytes[1] != 0x8B)
        {
            return bytes;
        }

        try
        {
            using var compressed = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var decompressed = new MemoryStream();
            compressed.CopyTo(decompressed);
            return decompressed.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, "the gzip data is corrupt or truncated (" + e.Message + ")", innerException: e);
        }
    }
}

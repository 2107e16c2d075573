using System.IO;
using System.Text;

namespace Prunet;

// Reading and writing model files. Kept out of Format/, which the source generator compiles and
// which must not touch the file system.
public sealed partial class PrunedModel
{
    /// <summary>
    /// Reads a model file. Errors name the file, line, column and JSON path; a missing file is a
    /// <see cref="FileNotFoundException"/> naming the path.
    /// </summary>
    public static PrunedModel Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(DecodeUtf8(bytes, path), path);
    }

    /// <summary>Writes the model file atomically: a reader never sees half a model.</summary>
    public void Save(string path) => AtomicFile.Write(path, stream => ModelWriter.Write(this, stream));

    /// <summary>The model document as text.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        ModelWriter.Write(this, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string DecodeUtf8(byte[] bytes, string path)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            throw new PrunedModelFormatException("the file is UTF-16 (it starts with a UTF-16 byte order mark); model files are UTF-8", "$", path, 0, 0, -1, 0);
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new PrunedModelFormatException("the file is not valid UTF-8 (invalid byte at offset " + e.Index + ")", "$", path, 0, 0, -1, 0);
        }
    }
}

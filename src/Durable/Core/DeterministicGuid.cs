using System.Security.Cryptography;
using System.Text;

namespace BatchEmbed.DurableTask.Core;

/// <summary>UUID v5 (SHA-1, RFC 4122) over a name in the Durable Task namespace, as <c>NewGuid</c> requires.</summary>
internal static class DeterministicGuid
{
    private static readonly Guid s_namespace = new("9e952958-5e33-4daf-827f-2fa12937b875");

    public static Guid Create(string name)
    {
        byte[] ns = s_namespace.ToByteArray(bigEndian: true);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] input = [.. ns, .. nameBytes];
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 v5 specifies; this is an id, not a security boundary.
        byte[] hash = SHA1.HashData(input);
#pragma warning restore CA5350
        byte[] bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

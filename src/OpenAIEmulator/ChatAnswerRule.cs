using System.Text;

namespace BatchEmbed.OpenAIEmulator;

/// <summary>
/// How the emulator answers a <c>json_schema</c> response format, so tests can predict every answer:
/// <list type="bullet">
/// <item>An object gets every property of the schema.</item>
/// <item>An array whose items have an <c>id</c> property limited by an <c>enum</c> gets one element per id, in the
/// enum's order; every other array gets one element.</item>
/// <item>A value limited by an <c>enum</c> of n values takes value <see cref="Pick"/>(key, path, n): with h the
/// FNV-1a 64-bit hash of <c>"{key}|{path}"</c>, the value at index h mod 2n when that is below n, else the first. So
/// the first value is the likeliest (for a verdict enum led by "valid", about two in three).</item>
/// <item><c>key</c> is the batch line's <c>custom_id</c> (for a synchronous call, the prompt's text); <c>path</c> is
/// the element's id and the property name (<c>"{id}|verdict"</c>), or the property name outside such an array.</item>
/// </list>
/// </summary>
public static class ChatAnswerRule
{
    public static int Pick(string key, string path, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ulong slot = Hash(key, path) % (ulong)(2 * count);
        return slot < (ulong)count ? (int)slot : 0;
    }

    public static ulong Hash(string key, string path)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(key + "|" + path))
        {
            h = (h ^ b) * 1099511628211UL;
        }

        return h;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace BatchEmbed.DurableTask.Worker;

/// <summary>
/// Worker ids are <c>machine:pid:nonce</c>. A worker on this machine whose process no longer exists (or whose pid now
/// belongs to this process under another nonce) is dead, and its locks can be released without waiting for expiry.
/// A pid reused by an unrelated process looks alive; its leases then simply expire.
/// </summary>
internal static class WorkerIdentity
{
    public static string Create() => string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");

    public static bool IsDead(string workerId, string self)
    {
        string[] parts = workerId.Split(':');
        if (parts.Length != 3 || workerId == self || !string.Equals(parts[0], Environment.MachineName, StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return true; // an earlier worker in this process (a restarted host)
        }

        try
        {
            using Process p = Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}

using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace BatchEmbed.DurableTask.Sqlite;

/// <summary>
/// Prepared statements kept with a long-lived connection (the sidecar store's writer and its pooled readers), so a
/// statement is parsed once, not on every use. A connection opts in with <see cref="Enable"/>; on any other
/// connection, <see cref="SqliteCommands.Command"/> makes a new command as before. One thread uses a connection at a
/// time, so a connection's statements need no lock. Disposing a kept command (as <c>using</c> does) keeps it.
/// </summary>
internal static class StatementCache
{
    private const int MaxStatementsPerConnection = 256;
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, KeptCommand>> s_connections = [];

    public static void Enable(SqliteConnection connection) => s_connections.AddOrUpdate(connection, new Dictionary<string, KeptCommand>(StringComparer.Ordinal));

    /// <summary>Disposes the connection's kept statements (before the connection closes).</summary>
    public static void Release(SqliteConnection connection)
    {
        if (s_connections.TryGetValue(connection, out Dictionary<string, KeptCommand>? kept))
        {
            foreach (KeptCommand command in kept.Values)
            {
                command.Release();
            }

            s_connections.Remove(connection);
        }
    }

    public static bool TryGet(SqliteConnection connection, SqliteTransaction? tx, string sql, (string Name, object? Value)[] args, out SqliteCommand command)
    {
        if (!s_connections.TryGetValue(connection, out Dictionary<string, KeptCommand>? kept))
        {
            command = null!;
            return false;
        }

        if (!kept.TryGetValue(sql, out KeptCommand? cmd))
        {
            if (kept.Count >= MaxStatementsPerConnection)
            {
                command = null!;
                return false; // many distinct texts (queries built from filters): don't keep more
            }

            cmd = new KeptCommand { Connection = connection, CommandText = sql };
            kept[sql] = cmd;
        }

        cmd.Transaction = tx;
        SqliteParameterCollection parameters = cmd.Parameters;
        if (parameters.Count != args.Length)
        {
            parameters.Clear();
            foreach ((string name, object? value) in args)
            {
                parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
        else
        {
            foreach ((string name, object? value) in args)
            {
                parameters[name].Value = value ?? DBNull.Value;
            }
        }

        command = cmd;
        return true;
    }

    private sealed class KeptCommand : SqliteCommand
    {
        private bool _released;

        public void Release()
        {
            _released = true;
            Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            if (_released)
            {
                base.Dispose(disposing);
            }
        }
    }
}

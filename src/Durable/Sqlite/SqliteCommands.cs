using Microsoft.Data.Sqlite;

namespace BatchEmbed.DurableTask.Sqlite;

/// <summary>Parameterised SQL on one connection, and the stores' time format (Unix milliseconds, UTC).</summary>
internal static class SqliteCommands
{
    public static long Ms(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        if (StatementCache.TryGet(c, tx, sql, args, out SqliteCommand kept))
        {
            return kept;
        }

        SqliteCommand cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach ((string name, object? value) in args)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    public static int Exec(SqliteConnection c, SqliteTransaction? tx, string sql, params (string, object?)[] args)
    {
        using SqliteCommand cmd = Command(c, tx, sql, args);
        return cmd.ExecuteNonQuery();
    }
}

using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace BatchEmbed.DurableTask.Sqlite;

/// <summary>
/// Applies the embedded, versioned schema scripts in order and records each in the <c>Versions</c> table. Published
/// scripts are never edited; a change is a new script with a higher version.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>
    /// Every published script, oldest first. 1.0.0: the tables of the in-process model this backend replaced; 1.1.0:
    /// the sidecar's; 1.2.0: drops 1.0.0's.
    /// </summary>
    public static readonly string[] Versions = ["1.0.0", "1.1.0", "1.2.0"];

    public static void EnsureCreated(SqliteConnection connection)
    {
        Exec(connection, "PRAGMA journal_mode=WAL;");
        Exec(connection, "CREATE TABLE IF NOT EXISTS Versions (Version TEXT NOT NULL PRIMARY KEY, AppliedAt TEXT NOT NULL);");
        foreach (string version in Versions)
        {
            using SqliteTransaction tx = connection.BeginTransaction();
            using (SqliteCommand check = connection.CreateCommand())
            {
                check.Transaction = tx;
                check.CommandText = "SELECT COUNT(*) FROM Versions WHERE Version = $v";
                check.Parameters.AddWithValue("$v", version);
                if ((long)check.ExecuteScalar()! > 0)
                {
                    continue;
                }
            }

            using (SqliteCommand apply = connection.CreateCommand())
            {
                apply.Transaction = tx;
                apply.CommandText = Script(version) + "\nINSERT INTO Versions (Version, AppliedAt) VALUES ($v, $at);";
                apply.Parameters.AddWithValue("$v", version);
                apply.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                apply.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    private static string Script(string version)
    {
        string name = $"BatchEmbed.DurableTask.Sqlite.schema-{version}.sql";
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Schema script {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using SqliteCommand cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

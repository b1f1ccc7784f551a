using Microsoft.Data.Sqlite;

namespace BatchEmbed.DurableTask.Sqlite;

/// <summary>Settings of the SQLite store, validated once.</summary>
public sealed record SqliteStoreOptions(string ConnectionString)
{
    /// <summary>How long a worker owns a locked orchestration or activity before another may take it (renewed while running).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public SqliteStoreOptions Validate()
    {
        var builder = new SqliteConnectionStringBuilder(ConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("The SQLite connection string needs a Data Source (a file path).");
        }

        if (LockTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("LockTimeout must be at least one second.");
        }

        return this;
    }

    internal string Normalized()
    {
        var builder = new SqliteConnectionStringBuilder(ConnectionString)
        {
            Pooling = true,
            DefaultTimeout = 60,
            Mode = SqliteOpenMode.ReadWriteCreate,
        };
        string? dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        return builder.ToString();
    }
}

using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>
/// Group commit. Every write of the store runs on one connection; writes queued while a transaction commits are run
/// together in the next one, each in its own savepoint, so one failing write rolls back alone. A caller's task
/// completes only after its transaction has committed: once it returns, the write survives a killed process. After a
/// commit the writes' notices go to <see cref="Committed"/> in commit order (before their callers resume), so the
/// dispatcher sees new work in the order it was written.
/// </summary>
internal sealed class StoreWriter : IAsyncDisposable
{
    private const int MaxWritesPerTransaction = 512;

    private readonly SqliteConnection _connection;
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public StoreWriter(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Called on the writer's thread after each commit, once per successful write that carried a notice.</summary>
    public Action<WorkNotice>? Committed { get; set; }

    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, WorkNotice? notice = null)
    {
        var write = new Write<T>(work, notice);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(StoreWriter), "The durable store is shut down.");
        }

        return write.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        BatchEmbed.DurableTask.Sqlite.StatementCache.Release(_connection);
        _connection.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<Write>(MaxWritesPerTransaction);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxWritesPerTransaction && _queue.Reader.TryRead(out Write? write))
            {
                batch.Add(write);
            }

            try
            {
                using (SqliteTransaction tx = _connection.BeginTransaction(deferred: false))
                {
                    // A lone write needs no savepoint: if it fails, the whole transaction is rolled back instead.
                    bool alone = batch.Count == 1;
                    foreach (Write write in batch)
                    {
                        write.Run(_connection, tx, alone);
                    }

                    if (alone && !batch[0].Succeeded)
                    {
                        tx.Rollback();
                    }
                    else
                    {
                        tx.Commit();
                    }
                }

                foreach (Write write in batch)
                {
                    if (write.Succeeded && write.Notice is not null)
                    {
                        Committed?.Invoke(write.Notice);
                    }

                    write.Publish();
                }
            }
#pragma warning disable CA1031 // whatever stops the commit is reported to every caller of the batch; none may hang
            catch (Exception e)
#pragma warning restore CA1031
            {
                foreach (Write write in batch)
                {
                    write.Fail(e);
                }
            }

            batch.Clear();
        }
    }

    private abstract class Write(WorkNotice? notice)
    {
        public WorkNotice? Notice { get; } = notice;

        public abstract bool Succeeded { get; }

        public abstract void Run(SqliteConnection connection, SqliteTransaction tx, bool alone);

        public abstract void Publish();

        public abstract void Fail(Exception e);
    }

    private sealed class Write<T>(Func<SqliteConnection, SqliteTransaction, T> work, WorkNotice? notice) : Write(notice)
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _done.Task;

        public override bool Succeeded => _error is null;

        public override void Run(SqliteConnection connection, SqliteTransaction tx, bool alone)
        {
            if (!alone)
            {
                Exec(connection, tx, "SAVEPOINT w");
            }

            try
            {
                _result = work(connection, tx);
                if (!alone)
                {
                    Exec(connection, tx, "RELEASE w");
                }
            }
#pragma warning disable CA1031 // a failed write is reported to its caller alone; the others in the batch still commit
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (!alone)
                {
                    Exec(connection, tx, "ROLLBACK TO w; RELEASE w");
                }

                _error = e;
            }
        }

        public override void Publish()
        {
            if (_error is null)
            {
                _done.TrySetResult(_result!);
            }
            else
            {
                _done.TrySetException(_error);
            }
        }

        public override void Fail(Exception e) => _done.TrySetException(e);
    }
}

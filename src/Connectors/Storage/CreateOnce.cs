namespace BatchEmbed.Connectors.Storage;

/// <summary>
/// Runs a create-if-not-exists call (a container, a table) once for every caller; a failed or cancelled attempt (the
/// service unreachable) is not kept, so the next caller tries again.
/// </summary>
internal sealed class CreateOnce(Func<Task> create)
{
    private readonly Lock _lock = new();
    private Task? _created;

    public Task EnsureAsync()
    {
        lock (_lock)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = create();
            }

            return _created;
        }
    }
}

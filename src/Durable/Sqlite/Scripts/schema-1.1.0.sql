-- schema-1.1.0: published; never edit. Changes go in a new versioned script.
-- The sidecar's tables. Events, requests and failure details are protobuf bytes of the Durable Task protocol
-- (Microsoft.DurableTask.Protobuf, orchestrator_service.proto), so what a client streams back is what the worker
-- produced. Times are Unix milliseconds (UTC). Runtime statuses are the protocol's OrchestrationStatus numbers.
-- The tables of schema-1.0.0 belong to the older in-process programming model and are not read here.
CREATE TABLE IF NOT EXISTS Orchestrations (
    InstanceId       TEXT    NOT NULL PRIMARY KEY,
    ExecutionId      TEXT    NOT NULL,
    Name             TEXT    NOT NULL,
    Version          TEXT,
    RuntimeStatus    INTEGER NOT NULL,
    CreatedAt        INTEGER NOT NULL,
    LastUpdatedAt    INTEGER NOT NULL,
    CompletedAt      INTEGER,
    ScheduledStartAt INTEGER,
    Input            TEXT,
    Output           TEXT,
    CustomStatus     TEXT,
    FailureDetails   BLOB,
    ParentInstanceId TEXT,
    Tags             TEXT,
    HistoryLength    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS IX_Orchestrations_Created ON Orchestrations (CreatedAt);
CREATE INDEX IF NOT EXISTS IX_Orchestrations_Status ON Orchestrations (RuntimeStatus, InstanceId);
CREATE INDEX IF NOT EXISTS IX_Orchestrations_Completed ON Orchestrations (CompletedAt) WHERE CompletedAt IS NOT NULL;
CREATE INDEX IF NOT EXISTS IX_Orchestrations_Parent ON Orchestrations (ParentInstanceId) WHERE ParentInstanceId IS NOT NULL;

-- The current execution's history, in the order the episodes committed it.
CREATE TABLE IF NOT EXISTS OrchestrationHistory (
    InstanceId     TEXT    NOT NULL,
    SequenceNumber INTEGER NOT NULL,
    Event          BLOB    NOT NULL,
    PRIMARY KEY (InstanceId, SequenceNumber)
) WITHOUT ROWID;

-- Messages to orchestrations (starts, completions, events, control); a timer is a row that becomes visible at FireAt.
-- ExecutionId binds a message to one execution (task and timer results); a message for an older execution is dropped.
CREATE TABLE IF NOT EXISTS OrchestrationInbox (
    SequenceNumber INTEGER PRIMARY KEY AUTOINCREMENT,
    InstanceId     TEXT    NOT NULL,
    ExecutionId    TEXT,
    VisibleAt      INTEGER NOT NULL,
    Event          BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS IX_OrchestrationInbox_Instance ON OrchestrationInbox (InstanceId, SequenceNumber);

-- Scheduled activity invocations (ActivityRequest bytes), delivered at least once, removed by their completion.
CREATE TABLE IF NOT EXISTS ActivityQueue (
    SequenceNumber INTEGER PRIMARY KEY AUTOINCREMENT,
    InstanceId     TEXT    NOT NULL,
    ExecutionId    TEXT    NOT NULL,
    TaskId         INTEGER NOT NULL,
    Request        BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS IX_ActivityQueue_Instance ON ActivityQueue (InstanceId, TaskId);

-- Entity state and its lock: LockOwner is the orchestration holding it in a critical section, LockId that section.
CREATE TABLE IF NOT EXISTS EntityStates (
    InstanceId     TEXT    NOT NULL PRIMARY KEY,
    State          TEXT,
    LastModifiedAt INTEGER NOT NULL,
    LockOwner      TEXT,
    LockId         TEXT
);
CREATE INDEX IF NOT EXISTS IX_EntityStates_LockOwner ON EntityStates (LockOwner) WHERE LockOwner IS NOT NULL;

-- Messages to entities, in arrival order: EntityOperationSignaled, EntityOperationCalled, EntityLockRequested or
-- EntityUnlockSent events. ReplyForm says how the sender takes replies: 0 as DT Core external events (the .NET SDK's
-- older form), 1 as the protocol's entity events.
CREATE TABLE IF NOT EXISTS EntityInbox (
    SequenceNumber INTEGER PRIMARY KEY AUTOINCREMENT,
    EntityId       TEXT    NOT NULL,
    VisibleAt      INTEGER NOT NULL,
    ReplyForm      INTEGER NOT NULL DEFAULT 0,
    Message        BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS IX_EntityInbox_Entity ON EntityInbox (EntityId, SequenceNumber);

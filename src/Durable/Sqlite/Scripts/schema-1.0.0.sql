-- schema-1.0.0: published; never edit. Changes go in a new versioned script.
-- Times are Unix milliseconds (UTC). Payloads are JSON text.
CREATE TABLE IF NOT EXISTS Instances (
    InstanceId        TEXT    NOT NULL PRIMARY KEY,
    ExecutionId       TEXT    NOT NULL,
    Name              TEXT    NOT NULL,
    RuntimeStatus     INTEGER NOT NULL,
    CreatedAt         INTEGER NOT NULL,
    LastUpdatedAt     INTEGER NOT NULL,
    CompletedAt       INTEGER,
    Input             TEXT,
    Output            TEXT,
    CustomStatus      TEXT,
    FailureDetails    TEXT,
    ParentInstanceId  TEXT,
    ParentExecutionId TEXT,
    ParentName        TEXT,
    ParentTaskId      INTEGER,
    Tags              TEXT,
    LockedBy          TEXT,
    LockExpiration    INTEGER
);
CREATE INDEX IF NOT EXISTS IX_Instances_Created ON Instances (CreatedAt);
CREATE INDEX IF NOT EXISTS IX_Instances_Status ON Instances (RuntimeStatus, CreatedAt);

CREATE TABLE IF NOT EXISTS History (
    InstanceId     TEXT    NOT NULL,
    ExecutionId    TEXT    NOT NULL,
    SequenceNumber INTEGER NOT NULL,
    EventType      TEXT    NOT NULL,
    Event          TEXT    NOT NULL,
    PRIMARY KEY (InstanceId, ExecutionId, SequenceNumber)
) WITHOUT ROWID;

-- The control queue: messages to orchestrations and entities; timers are rows that become visible at FireAt.
CREATE TABLE IF NOT EXISTS NewEvents (
    SequenceNumber INTEGER PRIMARY KEY AUTOINCREMENT,
    InstanceId     TEXT    NOT NULL,
    ExecutionId    TEXT,
    VisibleAt      INTEGER NOT NULL,
    EventType      TEXT    NOT NULL,
    Event          TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS IX_NewEvents_Instance ON NewEvents (InstanceId, SequenceNumber);
CREATE INDEX IF NOT EXISTS IX_NewEvents_Visible ON NewEvents (VisibleAt, SequenceNumber);

-- The activity queue: leased work items, delivered at least once.
CREATE TABLE IF NOT EXISTS NewTasks (
    SequenceNumber INTEGER PRIMARY KEY AUTOINCREMENT,
    InstanceId     TEXT    NOT NULL,
    ExecutionId    TEXT    NOT NULL,
    TaskId         INTEGER NOT NULL,
    Name           TEXT    NOT NULL,
    Input          TEXT,
    VisibleAt      INTEGER NOT NULL,
    LockedBy       TEXT,
    LockExpiration INTEGER,
    DequeueCount   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS IX_NewTasks_Visible ON NewTasks (VisibleAt, SequenceNumber);
CREATE INDEX IF NOT EXISTS IX_NewTasks_Instance ON NewTasks (InstanceId, TaskId);

CREATE TABLE IF NOT EXISTS Entities (
    InstanceId     TEXT    NOT NULL PRIMARY KEY,
    Name           TEXT    NOT NULL,
    Key            TEXT    NOT NULL,
    State          TEXT,
    LastModifiedAt INTEGER NOT NULL,
    LockedBy       TEXT,
    LockExpiration INTEGER
);

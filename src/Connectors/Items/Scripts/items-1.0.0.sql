-- items-1.0.0: published; never edit. Changes go in a new versioned script.
CREATE TABLE IF NOT EXISTS Items (
    Collection  TEXT    NOT NULL,
    Id          TEXT    NOT NULL,
    Text        TEXT    NOT NULL,
    GroupKey    TEXT,
    Metadata    TEXT,
    ContentHash TEXT    NOT NULL,
    Status      INTEGER NOT NULL,
    Fingerprint TEXT,
    BatchId     TEXT,
    Attempts    INTEGER NOT NULL DEFAULT 0,
    LastError   TEXT,
    UpdatedAt   INTEGER NOT NULL,
    PRIMARY KEY (Collection, Id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS IX_Items_Status ON Items (Collection, Status, Id);
CREATE INDEX IF NOT EXISTS IX_Items_Batch ON Items (BatchId);

-- schema-1.2.0: published; never edit. Changes go in a new versioned script.
-- The in-process programming model that schema-1.0.0 served is gone: the real Durable Task SDK runs on the sidecar's
-- tables (schema-1.1.0). Its tables go; an orchestration left in them could not be replayed by the SDK anyway.
DROP TABLE IF EXISTS Instances;
DROP TABLE IF EXISTS History;
DROP TABLE IF EXISTS NewEvents;
DROP TABLE IF EXISTS NewTasks;
DROP TABLE IF EXISTS Entities;

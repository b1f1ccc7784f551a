-- items-1.1.0: published; never edit. How many chunk vectors an item's embedding spans (under its Fingerprint), so a
-- re-embedding into fewer chunks can tombstone the chunks it no longer has.
ALTER TABLE Items ADD COLUMN Chunks INTEGER NOT NULL DEFAULT 0;

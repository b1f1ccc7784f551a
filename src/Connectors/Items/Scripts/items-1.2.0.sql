-- items-1.2.0: published; never edit. The answer a completion batch settled an item with (JSON), for items that are
-- judged (receipt labels) rather than embedded.
ALTER TABLE Items ADD COLUMN Outcome TEXT;

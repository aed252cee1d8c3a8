-- Nothing reads items by first-seen time; the index only cost every insert.
DROP INDEX IF EXISTS items_first_seen;

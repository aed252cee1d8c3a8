-- Find a source's item by its canonical URL through a 64-bit hash of both
-- (store.linkKey) instead of the text: the index is a tenth of the size,
-- and a large store writes far fewer of its pages. The hashes of existing
-- items are filled in by Go right after this file (migrationHooks).
ALTER TABLE items ADD COLUMN link_key INTEGER NOT NULL DEFAULT 0;
DROP INDEX items_source_url;
CREATE INDEX items_link_key ON items (link_key) WHERE link_key <> 0;

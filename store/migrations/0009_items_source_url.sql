-- Find a source's item by its canonical URL: a feed that changes its GUIDs
-- on every fetch must not store the same article again and again.
CREATE INDEX items_source_url ON items (source_key, canonical_url) WHERE canonical_url != '';

-- Coverage items from feeds and posts, and the stories they form.

ALTER TABLE items ADD COLUMN source_key TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN guid TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN canonical_url TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN date_estimated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN categories_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE items ADD COLUMN source_title TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN source_feed_url TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN source_site_url TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX items_first_seen ON items (first_seen);

CREATE TABLE stories (
	id          TEXT PRIMARY KEY,   -- tag: URI from the first item, frozen
	key         TEXT NOT NULL UNIQUE,
	title       TEXT NOT NULL,      -- the best headline, kept current
	first_seen  TEXT NOT NULL,
	updated     TEXT NOT NULL,      -- last time an item joined
	merged_into TEXT REFERENCES stories (id)  -- set once merged away
);
CREATE INDEX stories_updated ON stories (updated DESC, id) WHERE merged_into IS NULL;

CREATE TABLE story_items (
	item_id  TEXT PRIMARY KEY REFERENCES items (id),
	story_id TEXT NOT NULL REFERENCES stories (id),
	reason   TEXT NOT NULL,
	score    REAL NOT NULL,
	added    TEXT NOT NULL
);
CREATE INDEX story_items_story ON story_items (story_id, added);

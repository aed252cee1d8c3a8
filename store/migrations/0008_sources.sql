-- Feeds newswire polls, with what it needs to poll them politely.
CREATE TABLE sources (
	id            INTEGER PRIMARY KEY,
	key           TEXT NOT NULL UNIQUE,  -- the first URL: scopes GUIDs, never changes
	url           TEXT NOT NULL UNIQUE,  -- current URL (301/308 move it)
	title         TEXT NOT NULL DEFAULT '',
	topic         TEXT NOT NULL DEFAULT '',
	html_url      TEXT NOT NULL DEFAULT '',
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	interval_s    INTEGER NOT NULL DEFAULT 0,
	next_poll     TEXT NOT NULL DEFAULT '',
	error_count   INTEGER NOT NULL DEFAULT 0,
	last_status   INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	last_success  TEXT NOT NULL DEFAULT '',
	disabled      INTEGER NOT NULL DEFAULT 0,
	added         TEXT NOT NULL
);

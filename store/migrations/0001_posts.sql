-- Posts, their comments, topics and the outside coverage they point at.
-- Times are RFC 3339 strings in UTC with nanoseconds (they sort as text).

CREATE TABLE posts (
	id             TEXT PRIMARY KEY,      -- tag: URI, from the slug
	slug           TEXT NOT NULL UNIQUE,
	identity_key   TEXT NOT NULL UNIQUE,  -- model.Post.IdentityKey
	title          TEXT NOT NULL,
	author         TEXT NOT NULL DEFAULT '',
	author_bio     TEXT NOT NULL DEFAULT '',
	published      TEXT NOT NULL,
	date_from_dump INTEGER NOT NULL,
	first_seen     TEXT NOT NULL,
	updated        TEXT NOT NULL,
	body_json      TEXT NOT NULL,         -- []model.Block
	sections_json  TEXT NOT NULL,         -- []model.Section
	links_json     TEXT NOT NULL,         -- []string
	source_path    TEXT NOT NULL DEFAULT '',
	content_hash   TEXT NOT NULL
);
CREATE INDEX posts_published ON posts (published DESC, id);

CREATE TABLE comments (
	post_id      TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	number       INTEGER NOT NULL,
	id           TEXT NOT NULL UNIQUE,
	author       TEXT NOT NULL,
	parent       INTEGER,                 -- number of the parent comment; NULL for roots
	votes        INTEGER,
	mention      TEXT NOT NULL DEFAULT '',
	body_json    TEXT NOT NULL,
	links_json   TEXT NOT NULL,
	first_seen   TEXT NOT NULL,
	updated      TEXT NOT NULL,
	content_hash TEXT NOT NULL,
	PRIMARY KEY (post_id, number)
);

CREATE TABLE topics (
	slug TEXT PRIMARY KEY,
	name TEXT NOT NULL
);

CREATE TABLE post_topics (
	post_id    TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	topic_slug TEXT NOT NULL REFERENCES topics (slug),
	position   INTEGER NOT NULL,
	PRIMARY KEY (post_id, topic_slug)
);
CREATE INDEX post_topics_topic ON post_topics (topic_slug);

-- A piece of outside coverage (a headline from an outlet).
CREATE TABLE items (
	id         TEXT PRIMARY KEY,          -- tag: URI from identity
	title      TEXT NOT NULL,
	outlet     TEXT NOT NULL DEFAULT '',
	url        TEXT NOT NULL DEFAULT '',
	published  TEXT NOT NULL DEFAULT '',
	first_seen TEXT NOT NULL,
	updated    TEXT NOT NULL
);

-- Which items a post points at, where, in its order.
CREATE TABLE post_items (
	post_id  TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	item_id  TEXT NOT NULL REFERENCES items (id),
	kind     TEXT NOT NULL,
	position INTEGER NOT NULL,
	PRIMARY KEY (post_id, item_id)
);
CREATE INDEX post_items_item ON post_items (item_id);

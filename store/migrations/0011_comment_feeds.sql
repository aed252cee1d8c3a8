-- Comments read from blogs' comment feeds: identified by their GUID within
-- the post, with the link of their own page.
ALTER TABLE comments ADD COLUMN guid TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN url TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX comments_guid ON comments (post_id, guid) WHERE guid <> '';

-- A post read from a feed links to its original page.
ALTER TABLE posts ADD COLUMN url TEXT NOT NULL DEFAULT '';

-- Sources are the feeds the operator added ('feed') and the comment feeds
-- of polled blog posts ('comments'), found while polling: parent_key is
-- the feed the post came from, post_item the post's coverage item,
-- post_time its date ('' if unknown), and comment_count the number of
-- comments that feed last stated (-1: none).
ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'feed';
ALTER TABLE sources ADD COLUMN parent_key TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN post_item TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN post_time TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN comment_count INTEGER NOT NULL DEFAULT -1;
CREATE INDEX sources_parent ON sources (parent_key) WHERE parent_key <> '';

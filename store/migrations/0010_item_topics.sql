-- The topics an item is filed under: its feed's categories and its
-- source's topic. Topic feeds show the stories of these items, once each.
CREATE TABLE item_topics (
	item_id    TEXT NOT NULL REFERENCES items (id),
	topic_slug TEXT NOT NULL REFERENCES topics (slug),
	PRIMARY KEY (item_id, topic_slug)
);
CREATE INDEX item_topics_topic ON item_topics (topic_slug);

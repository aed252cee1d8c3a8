-- WebSub hub state. A subscription is keyed by its topic and callback; its
-- lease ends at expires, after which it is never delivered to and is
-- swept away. created and updated are when it was first and last verified.
CREATE TABLE websub_subscriptions (
	topic TEXT NOT NULL,
	callback TEXT NOT NULL,
	secret TEXT NOT NULL DEFAULT '',
	expires TEXT NOT NULL,
	created TEXT NOT NULL,
	updated TEXT NOT NULL,
	PRIMARY KEY (topic, callback)
) WITHOUT ROWID;
CREATE INDEX websub_subscriptions_expires ON websub_subscriptions (expires);

-- The hash (hex SHA-256 of the body) of the content last published for a
-- topic, by the hub or by the external-hub watcher, and when, so that a
-- restart does not announce unchanged content again.
CREATE TABLE websub_topics (
	topic TEXT PRIMARY KEY,
	content_hash TEXT NOT NULL,
	published TEXT NOT NULL
) WITHOUT ROWID;

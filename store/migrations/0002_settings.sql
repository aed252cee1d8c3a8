-- Settings fixed at first use, such as the tag: URI authority and date
-- every stored ID was minted with.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- An item belongs to at most one story: keep the membership on the item
-- row instead of a table of its own (one B-tree fewer to write per item).
ALTER TABLE items ADD COLUMN story_id TEXT REFERENCES stories (id);
ALTER TABLE items ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN score REAL NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN added TEXT NOT NULL DEFAULT '';
UPDATE items SET (story_id, reason, score, added) =
	(SELECT si.story_id, si.reason, si.score, si.added FROM story_items si WHERE si.item_id = items.id)
	WHERE id IN (SELECT item_id FROM story_items);
DROP TABLE story_items;
CREATE INDEX items_story ON items (story_id, added) WHERE story_id IS NOT NULL;

-- How many items a story has, kept with every join and merge, so a write
-- need not count them.
ALTER TABLE stories ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE stories SET size = (SELECT COUNT(*) FROM story_items si WHERE si.story_id = stories.id);

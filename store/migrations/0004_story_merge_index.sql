-- Merging a story re-points the stories already merged into it: index the
-- pointer so a merge does not scan every story.
CREATE INDEX stories_merged_into ON stories (merged_into) WHERE merged_into IS NOT NULL;

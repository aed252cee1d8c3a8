package model

// Change scopes name what a write touched, so that readers can tell which
// of the documents they cached a change makes stale (the store numbers the
// changes per scope; the web layer caches by them).
const (
	// ScopePosts covers the list of posts and their topics.
	ScopePosts = "posts"
	// ScopeStories covers stories and their coverage.
	ScopeStories = "stories"
	// ScopeSources covers the polled feeds and their state.
	ScopeSources = "sources"
)

// ScopePost covers one post and its comments.
func ScopePost(slug string) string { return "post:" + slug }

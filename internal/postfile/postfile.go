// Package postfile parses plain-text post dumps into model.Post values.
//
// Two dump shapes are understood, by structure rather than by content:
//
//   - Blogger style: an optional date line, the title, the body (often a
//     "Outlet: Headline" source line, "Read more", editorial paragraphs and
//     "Update #N:" sections), a "More News On …" list of "Title -- Outlet"
//     lines, then comments introduced by "NAME said..." lines.
//   - WordPress style: the title, the body, a "FILED UNDER: A, B" line, the
//     author, "About <Name>" and a bio, a "Comments" heading, then comments
//     introduced by "  N. NAME says:" lines, each optionally followed by a
//     vote count.
//
// Parse fills in the content only; identifiers, slugs and timestamps other
// than the dump's own date line are left to the ingest layer, and comment
// threading is left to package thread.
package postfile

import (
	"fmt"

	"github.com/newswire/newswire/internal/model"
)

// Parse parses the dump data read from the file called name (used only in
// error messages). Errors wrap model.ErrInvalid and name the file, and the
// line where that helps.
func Parse(name string, data []byte) (*model.Post, error) {
	lines, err := splitLines(name, data)
	if err != nil {
		return nil, err
	}
	p := &model.Post{}
	start, err := parseHeader(name, lines, p)
	if err != nil {
		return nil, err
	}
	postEnd, commentStart := findComments(lines, start)
	parsePost(lines[start:postEnd], p)
	comments, err := parseComments(name, lines[commentStart:])
	if err != nil {
		return nil, err
	}
	p.Comments = comments
	return p, nil
}

// invalid builds an error wrapping model.ErrInvalid that names the file and,
// when line > 0, the line.
func invalid(name string, line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		return fmt.Errorf("%s:%d: %s: %w", name, line, msg, model.ErrInvalid)
	}
	return fmt.Errorf("%s: %s: %w", name, msg, model.ErrInvalid)
}

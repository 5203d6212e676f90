// Text scanners behind the grammar's recovery rules. They work on raw bytes
// (no PEGTL, no tree) so they are linear, iterative (no recursion, whatever the
// nesting) and testable alone.
#pragma once

namespace flowc::syntax {

/// True when `cur` is at column 0 (`begin` is the start of the file) of a line
/// that starts a top-level declaration: `project`, `target`, `route`,
/// `legacy`, `workflow`, `fn` or `extern`, followed by blanks and a name.
/// A block body stops there: its `}` is missing.
bool starts_toplevel_declaration(const char* begin, const char* cur, const char* end);

/// Where recovery resumes after a broken member that starts at `cur`: just
/// after the newline that ends the member at bracket depth 0 (strings, text
/// blocks and comments skipped; brackets balanced), or before a `}` that
/// closes the enclosing block when `stop_at_close_brace`, or at `end`. An
/// unclosed `(` or `[` ends at the first line indented no deeper than the
/// member's own line. Returns `cur` only when nothing can be skipped.
const char* skip_member(const char* begin, const char* cur, const char* end, bool stop_at_close_brace);

/// Skips at least one byte, then to the start of the next line that starts a
/// top-level declaration at column 0 (`workflow`, `route`, `fn`, ...; not a
/// `task` of an unindented block) or a `##` doc comment, or to `end`.
const char* skip_to_declaration(const char* cur, const char* end);

/// Skips a broken top-level line from `cur` (its line's start) with what it
/// opened (a header's `{ ... }`, an unclosed `(`; never past the next line
/// that skip_to_declaration() stops at), then every line that
/// cannot start a top-level item (indented, a `}`, a lone comment), up to
/// the next line that starts with a name at column 0 or a `##` doc comment,
/// or to `end`. So the next stray line (`owner = "x"` outside any block) is
/// reported too, while a broken block's body is not reported line by line.
/// Returns `cur` only when nothing can be skipped.
const char* skip_top_level(const char* begin, const char* cur, const char* end);

/// The first `{` between `cur` and the end of its line (outside strings and
/// comments), or nullptr.
const char* find_brace_on_line(const char* cur, const char* end);

}  // namespace flowc::syntax

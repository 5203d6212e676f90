// Source facts the formatter needs beyond the tree: lines of offsets, blank
// lines, literal spellings, and the file's comments with their roles.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"
#include "compiler/syntax/tree.h"

namespace flowc::format {

/// Read-only queries on the buffer; every offset is clamped, so a malformed
/// range never reads outside the text.
class SourceView {
 public:
  explicit SourceView(const SourceBuffer& buffer) : buffer_(buffer) {}

  /// 1-based line of `offset`.
  [[nodiscard]] uint32_t line(uint32_t offset) const { return buffer_.line_col(offset).line; }
  /// 1-based line of the last byte of `range` (its begin when empty).
  [[nodiscard]] uint32_t last_line(SourceRange range) const;
  /// 1-based column of `offset` in code points, as the formatter counts
  /// width (formatting.md §1.6), so a comment it aligned after non-ASCII
  /// text is found in the column it was put in.
  [[nodiscard]] uint32_t column(uint32_t offset) const;
  /// The source text of `range`.
  [[nodiscard]] std::string_view spelling(SourceRange range) const;
  /// Whether a whitespace-only line lies strictly between the lines of `a` and `b`.
  [[nodiscard]] bool blank_line_between(uint32_t a, uint32_t b) const;
  /// Whether only whitespace precedes `offset` on its line.
  [[nodiscard]] bool starts_line(uint32_t offset) const;
  /// The offset of the first `want` at or after `from` (before `limit`),
  /// skipping whitespace, commas and comments; nullopt when another
  /// character comes first.
  [[nodiscard]] std::optional<uint32_t> find_token(uint32_t from, uint32_t limit, char want) const;
  /// The offset of the first code at or after `from` (not whitespace, not in
  /// a comment), or `limit` when there is none before it.
  [[nodiscard]] uint32_t code_after(uint32_t from, uint32_t limit) const;
  [[nodiscard]] std::string_view text() const { return buffer_.text(); }

 private:
  const SourceBuffer& buffer_;
};

/// The file's comments in source order, each printed exactly once: printing
/// code takes the comments of each slot it prints, and whatever is left at
/// the end is printed last, so no comment is ever lost.
class CommentIndex {
 public:
  CommentIndex(const syntax::SyntaxTree& tree, const SourceView& source);

  /// Unused comments beginning in [from, to), in source order, now used.
  std::vector<uint32_t> take(uint32_t from, uint32_t to);
  /// The unused comment beginning in [from, to) on 1-based `line`, now used.
  std::optional<uint32_t> take_on_line(uint32_t from, uint32_t to, uint32_t line);
  /// Whether any comment (used or not) begins in [from, to).
  [[nodiscard]] bool any(uint32_t from, uint32_t to) const;
  /// Every comment not used yet, now used.
  std::vector<uint32_t> take_rest() { return take(0, UINT32_MAX); }

  /// The comment's text from `#`, without trailing whitespace.
  [[nodiscard]] std::string text(uint32_t i) const;
  [[nodiscard]] uint32_t begin(uint32_t i) const { return items_[i].begin; }
  [[nodiscard]] uint32_t line(uint32_t i) const { return items_[i].line; }
  /// True when code precedes the comment on its line.
  [[nodiscard]] bool trailing(uint32_t i) const { return items_[i].trailing; }
  /// True for an own-line comment directly below a trailing comment (or
  /// another continuation) and starting in the same column: it continues
  /// that comment and is printed in its column.
  [[nodiscard]] bool continuation(uint32_t i) const { return items_[i].continuation; }
  [[nodiscard]] size_t size() const { return items_.size(); }

 private:
  struct Item {
    uint32_t begin = 0;
    uint32_t end = 0;
    uint32_t line = 0;
    uint32_t column = 0;
    bool trailing = false;
    bool continuation = false;
    bool used = false;
  };
  const SourceView& source_;
  std::vector<Item> items_;
};

}  // namespace flowc::format

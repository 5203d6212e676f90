// A small layout language for the formatter (in the spirit of Wadler's
// "prettier printer"): the tree is first turned into a Doc, then one printer
// decides which groups fit on a line and renders text. Keeping layout
// decisions in one place is what makes the output idempotent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flowc::format {

using DocId = uint32_t;

enum class DocKind : uint8_t {
  Text,                 // text without a newline
  Concat,               // kids in order
  Indent,               // kids[0], with line breaks indented two more spaces
  Group,                // kids[0], printed flat or broken as a whole
  Line,                 // flat: `text` (" " or ""); broken: a newline
  HardLine,             // always a newline; the enclosing groups break
  IfBreak,              // `text` only when the enclosing group is broken
  TrailingComment,      // `text` at the end of the current line, in `comment_group`
  ContinuationComment,  // on a fresh line: `text` in the comment column of `comment_group`
  TextBlock,            // a """ string: `lines` (see text_block.h)
};

/// How a group decides between flat and broken.
enum class GroupMode : uint8_t {
  Auto,   // flat when it fits in the width (and holds no comment), else broken
  Flat,   // flat: it was on one line in the source
  Break,  // always broken
};

struct DocNode {
  DocKind kind = DocKind::Text;
  GroupMode mode = GroupMode::Auto;
  bool verbatim = false;  // TextBlock: `lines` are absolute, not re-indented
  uint32_t comment_group = 0;
  std::string text;
  std::vector<DocId> kids;
  std::vector<std::string> lines;
};

/// An arena of doc nodes; ids stay valid for the arena's lifetime.
class Docs {
 public:
  /// Text that must not contain a newline.
  DocId text(std::string s);
  DocId concat(std::vector<DocId> kids);
  DocId indent(DocId kid);
  DocId group(DocId kid, GroupMode mode);
  /// A soft line break printing `flat` when its group is flat.
  DocId line(std::string flat);
  DocId hard_line();
  DocId if_break(std::string s);
  DocId trailing_comment(std::string s, uint32_t comment_group);
  DocId continuation_comment(std::string s, uint32_t comment_group);
  /// A text block (layout as in text_block.h). Re-indented (`verbatim`
  /// false): `lines[0]` follows the opening `"""` as written; each later
  /// non-empty line is printed at the indentation of the line where the block
  /// opens plus `content_indent`, an empty one empty; the closing `"""` ends
  /// the last line (alone at the opening line's indentation when that line is
  /// empty). Verbatim: `lines` are printed exactly, the first after the
  /// current text.
  DocId text_block(std::vector<std::string> lines, std::string content_indent, bool verbatim);
  /// An empty doc.
  DocId empty() { return concat({}); }
  /// A fresh comment alignment group: trailing comments of one group share
  /// a column.
  uint32_t new_comment_group() { return ++last_group_; }

  [[nodiscard]] const DocNode& node(DocId id) const { return nodes_[id]; }
  [[nodiscard]] size_t size() const { return nodes_.size(); }

 private:
  DocId add(DocNode node);
  std::vector<DocNode> nodes_;
  uint32_t last_group_ = 0;
};

/// Renders `root` with lines of at most `width` columns where groups allow
/// it. The result has no trailing whitespace outside text blocks and ends
/// with exactly one newline (or is empty when nothing was printed).
std::string render(const Docs& docs, DocId root, int width);

/// Display width of UTF-8 text: one column per code point.
int text_width(std::string_view s);

}  // namespace flowc::format

// Re-indenting `"""` text blocks without changing their value.
//
// The parser removes the common leading indentation of a text block's content
// lines, so the value depends only on each line's indentation *relative* to
// the others. Re-indenting therefore replaces the common whitespace prefix of
// the content lines by the new indentation and keeps the rest of every line
// byte for byte; whitespace-only lines become empty (the parser empties them
// anyway). Text on the opening line after `"""` is not part of the
// indentation rule and is kept as written; a block on one line is kept as
// written. (The rule itself: compiler/syntax/text_block.h.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flowc::format {

struct TextBlockLayout {
  /// Re-indented: first the text after the opening `"""` ("" when only
  /// whitespace follows it), then the lines after the opening line with the
  /// common prefix removed; the last one is the text before the closing
  /// `"""` ("" when the delimiter is alone on its line). Verbatim: the source
  /// lines as written (CR removed), the first starting with `"""`, the last
  /// ending with it.
  std::vector<std::string> lines;
  bool verbatim = false;
};

/// The layout of a text block from its source spelling (`"""` to `"""`
/// inclusive). Never fails: anything unusual comes back verbatim.
TextBlockLayout layout_text_block(std::string_view spelling);

}  // namespace flowc::format

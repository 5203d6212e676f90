// Where lines end, the one rule every tool counts lines by (language.md §2):
// a `\n` with the CRs right before it (`\r\n`, `\r\r\n`) is one line end, and
// so is a lone CR, as editors and LSP count lines. Header-only, so the plan
// renderer and the language server share it without the line table.
#pragma once

#include <cstddef>
#include <string_view>

namespace flowc {

/// The line that starts at `start` of `text`: where its content ends (its
/// line end excluded) and where the next line starts (npos: it is the last).
struct LineSpan {
  size_t content_end = 0;
  size_t next = std::string_view::npos;
};

inline LineSpan line_at(std::string_view text, size_t start) {
  size_t end = text.find_first_of("\r\n", start);
  if (end == std::string_view::npos) return {text.size(), std::string_view::npos};
  if (text[end] == '\n') return {end, end + 1};
  size_t run = text.find_first_not_of('\r', end);
  if (run != std::string_view::npos && text[run] == '\n') return {end, run + 1};  // CRs, then the `\n`
  return {end, end + 1};                                                          // a lone CR
}

}  // namespace flowc

// Internal to the renderers (not a contract between phases): positions of a
// diagnostic range in the units each output format wants, and the display
// layout of a source line for the human renderer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"

namespace flowc::render_detail {

/// A range resolved against its buffer. Offsets are clamped to the text and
/// `end >= begin`. Columns are 1-based; `*_utf16` count UTF-16 code units
/// (SARIF, GitHub, editors), the others bytes (human and json output).
struct Located {
  const SourceBuffer* buffer = nullptr;
  uint32_t begin = 0;
  uint32_t end = 0;
  LineCol start;
  LineCol finish;
  uint32_t start_utf16 = 1;
  uint32_t finish_utf16 = 1;
};

/// Resolves `range`; std::nullopt when it has no file or names a file the
/// manager does not hold.
std::optional<Located> locate(const SourceRange& range, const SourceManager& sources);

/// `file:line:column` of the start of `where`: a located note's place in a
/// one-text message (github, sarif), `note: first defined here (a.flow:3:10)`.
std::string where_text(const Located& where);

/// One source line as the terminal shows it: tabs expanded to 4 spaces,
/// control characters as Unicode control pictures, malformed UTF-8 as U+FFFD,
/// wide (East Asian, emoji) characters two columns, combining marks zero.
struct DisplayLine {
  std::string text;
  /// column_of[i] is the 0-based display column where byte i of the original
  /// line starts (continuation bytes share their character's column);
  /// column_of[size] is the width of the whole line.
  std::vector<uint32_t> column_of;
};

/// Lays out `line` (one line, terminator already removed) for display.
DisplayLine layout_line(std::string_view line);

/// Display width of one code point: 0, 1 or 2 columns.
uint32_t code_point_width(char32_t cp);

}  // namespace flowc::render_detail

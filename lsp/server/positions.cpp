#include "lsp/server/positions.h"

#include <algorithm>

#include "compiler/source/lines.h"

namespace flowc::lsp {

namespace {

/// Bytes in the UTF-8 sequence led by `lead`; 1 for a byte that cannot lead
/// one, so that invalid text still advances.
uint32_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

/// Byte index within `line` of `column` counted in `unit`.
uint32_t column_offset(std::string_view line, uint32_t column, ColumnUnit unit) {
  uint32_t i = 0;
  uint32_t units = 0;
  while (i < line.size()) {
    uint32_t len = std::min<uint32_t>(sequence_length(static_cast<unsigned char>(line[i])),
                                      static_cast<uint32_t>(line.size()) - i);
    uint32_t width = unit == ColumnUnit::Utf8 ? len : (len == 4 ? 2 : 1);
    if (units + width > column) break;
    units += width;
    i += len;
  }
  return i;
}

}  // namespace

uint32_t offset_in_text(std::string_view text, TextPosition pos, ColumnUnit unit) {
  size_t start = 0;
  for (uint32_t line = 0; line < pos.line; ++line) {
    start = line_at(text, start).next;
    if (start == std::string_view::npos) return static_cast<uint32_t>(text.size());
  }
  std::string_view line = text.substr(start, line_at(text, start).content_end - start);
  return static_cast<uint32_t>(start) + column_offset(line, pos.column, unit);
}

uint32_t offset_at(const SourceBuffer& buffer, TextPosition pos, ColumnUnit unit) {
  if (pos.line >= buffer.line_count()) return static_cast<uint32_t>(buffer.text().size());
  return buffer.line_start(pos.line + 1) + column_offset(buffer.line_text(pos.line + 1), pos.column, unit);
}

TextPosition position_at(const SourceBuffer& buffer, uint32_t offset, ColumnUnit unit) {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(buffer.text().size()));
  if (unit == ColumnUnit::Utf16) {
    Utf16Position p = buffer.utf16_position(offset);
    return {p.line, p.character};
  }
  LineCol lc = buffer.line_col(offset);
  return {lc.line - 1, lc.column - 1};
}

TextRange range_at(const SourceBuffer& buffer, uint32_t begin, uint32_t end, ColumnUnit unit) {
  return {position_at(buffer, begin, unit), position_at(buffer, std::max(begin, end), unit)};
}

}  // namespace flowc::lsp

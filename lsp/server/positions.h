// Editor positions: 0-based line and column, the column counted in UTF-16
// code units (the LSP default) or in bytes (when UTF-8 was negotiated).
// WARNING: a column is never a byte offset unless the unit is Utf8; "é" is
// one UTF-16 unit but two bytes, "😀" two units and four bytes. Every
// conversion goes through here, and positions past the end of a line or of
// the file clamp to that end instead of failing. Lines end at "\n" (a
// preceding "\r" belongs to the terminator); a lone "\r" is not a line break.
#pragma once

#include <cstdint>
#include <string_view>

#include "compiler/source/source.h"

namespace flowc::lsp {

/// How columns are counted.
enum class ColumnUnit { Utf16, Utf8 };

/// A 0-based line and column.
struct TextPosition {
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const TextPosition&, const TextPosition&) = default;
};

/// A half-open range of positions.
struct TextRange {
  TextPosition start;
  TextPosition end;
  friend bool operator==(const TextRange&, const TextRange&) = default;
};

/// The byte offset of `pos` in `text`, clamped to the end of its line (or of
/// the text). A column inside a multi-unit character snaps to its start.
uint32_t offset_in_text(std::string_view text, TextPosition pos, ColumnUnit unit);
/// The same for a SourceBuffer, using its line table.
uint32_t offset_at(const SourceBuffer& buffer, TextPosition pos, ColumnUnit unit);
/// The position of byte `offset` (clamped to the end of the buffer).
TextPosition position_at(const SourceBuffer& buffer, uint32_t offset, ColumnUnit unit);
/// The positions of the byte range [begin, end).
TextRange range_at(const SourceBuffer& buffer, uint32_t begin, uint32_t end, ColumnUnit unit);

}  // namespace flowc::lsp

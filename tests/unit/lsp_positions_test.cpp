// Editor positions: UTF-16 columns (the LSP default) and byte columns
// (negotiated UTF-8) differ on non-ASCII text; every position clamps.
#include "lsp/server/positions.h"

#include <doctest/doctest.h>

using namespace flowc;
using namespace flowc::lsp;

namespace {
// "# é😀" then a name: é is 2 bytes / 1 UTF-16 unit, 😀 4 bytes / 2 units.
const std::string kText = "a\n# é😀 name\r\nlast";
}  // namespace

TEST_CASE("UTF-16 and UTF-8 columns of the same byte offset differ") {
  SourceBuffer b("a.flow", kText);
  auto name = static_cast<uint32_t>(kText.find("name"));
  CHECK(position_at(b, name, ColumnUnit::Utf16) == TextPosition{1, 6});
  CHECK(position_at(b, name, ColumnUnit::Utf8) == TextPosition{1, 9});
  CHECK(offset_at(b, {1, 6}, ColumnUnit::Utf16) == name);
  CHECK(offset_at(b, {1, 9}, ColumnUnit::Utf8) == name);
}

TEST_CASE("offset_in_text agrees with the line table") {
  SourceBuffer b("a.flow", kText);
  for (uint32_t line = 0; line < 4; ++line) {
    for (uint32_t column = 0; column < 14; ++column) {
      for (ColumnUnit unit : {ColumnUnit::Utf16, ColumnUnit::Utf8}) {
        CHECK(offset_in_text(kText, {line, column}, unit) == offset_at(b, {line, column}, unit));
      }
    }
  }
}

TEST_CASE("a lone CR ends a line, as LSP counts lines: positions and edits stay on the editor's lines") {
  const std::string text = "workflow abc {\r  owner = 5\r}\r\r\nend";
  SourceBuffer b("a.flow", text);
  auto owner = static_cast<uint32_t>(text.find("owner"));
  CHECK(position_at(b, owner, ColumnUnit::Utf16) == TextPosition{1, 2});
  CHECK(b.line_text(2) == "  owner = 5");
  CHECK(b.line_text(3) == "}");
  CHECK(position_at(b, static_cast<uint32_t>(text.find("end")), ColumnUnit::Utf16) == TextPosition{3, 0});
  for (uint32_t line = 0; line < 5; ++line)
    for (uint32_t column = 0; column < 16; ++column)
      CHECK(offset_in_text(text, {line, column}, ColumnUnit::Utf16) ==
            offset_at(b, {line, column}, ColumnUnit::Utf16));
}

TEST_CASE("a column inside a character snaps to its start") {
  SourceBuffer b("a.flow", kText);
  auto emoji = static_cast<uint32_t>(kText.find("😀"));
  // UTF-16 column 4 is the second half of the surrogate pair.
  CHECK(offset_at(b, {1, 4}, ColumnUnit::Utf16) == emoji);
  CHECK(offset_at(b, {1, 3}, ColumnUnit::Utf16) == emoji);
  // Byte columns 5..7 are inside the emoji's 4 bytes.
  CHECK(offset_at(b, {1, 7}, ColumnUnit::Utf8) == emoji);
}

TEST_CASE("positions past the end of a line or of the file clamp") {
  SourceBuffer b("a.flow", kText);
  auto line1_end = static_cast<uint32_t>(kText.find("\r\n"));
  CHECK(offset_at(b, {1, 999}, ColumnUnit::Utf16) == line1_end);  // before the CR LF
  CHECK(offset_at(b, {0, 999}, ColumnUnit::Utf8) == 1);
  CHECK(offset_at(b, {99, 0}, ColumnUnit::Utf16) == kText.size());
  CHECK(offset_in_text(kText, {99, 3}, ColumnUnit::Utf16) == kText.size());
  CHECK(offset_in_text(kText, {2, 999}, ColumnUnit::Utf16) == kText.size());
  CHECK(position_at(b, 99999, ColumnUnit::Utf16) == TextPosition{2, 4});
}

TEST_CASE("range_at converts both ends") {
  SourceBuffer b("a.flow", kText);
  auto name = static_cast<uint32_t>(kText.find("name"));
  TextRange r = range_at(b, name, name + 4, ColumnUnit::Utf16);
  CHECK(r.start == TextPosition{1, 6});
  CHECK(r.end == TextPosition{1, 10});
}

TEST_CASE("invalid UTF-8 still advances one byte per unit") {
  std::string bad = "\xff\xfe x";
  CHECK(offset_in_text(bad, {0, 3}, ColumnUnit::Utf16) == 3);
  CHECK(offset_in_text(bad, {0, 3}, ColumnUnit::Utf8) == 3);
}

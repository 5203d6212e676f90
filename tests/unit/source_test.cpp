#include "compiler/source/source.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace flowc;

TEST_CASE("line and byte column of an offset") {
  SourceBuffer b("a.flow", "ab\ncd\r\nef");
  CHECK(b.line_count() == 3);
  CHECK(b.line_col(0).line == 1);
  CHECK(b.line_col(4).line == 2);
  CHECK(b.line_col(4).column == 2);
  CHECK(b.line_text(2) == "cd");  // CRLF terminator stripped
  CHECK(b.line_text(3) == "ef");
}

TEST_CASE("lines end at LF, at CRs before an LF (one line end), and at a lone CR") {
  SourceBuffer b("a.flow", "a\r\r\nb\rc\r\nd\r\re");
  std::vector<std::string> lines;
  for (uint32_t line = 1; line <= b.line_count(); ++line) lines.emplace_back(b.line_text(line));
  CHECK(lines == std::vector<std::string>{"a", "b", "c", "d", "", "e"});
  CHECK(b.line_col(4).line == 2);  // `b`
}

TEST_CASE("UTF-16 columns differ from byte columns for non-ASCII text") {
  // "é" is 2 bytes / 1 UTF-16 unit; "😀" is 4 bytes / 2 UTF-16 units.
  SourceBuffer b("a.flow", "x = \"é😀\" y");
  uint32_t y = static_cast<uint32_t>(std::string_view(b.text()).find('y'));
  CHECK(b.line_col(y).column == 14);
  CHECK(b.utf16_position(y).character == 10);
  CHECK(b.offset_of(Utf16Position{0, 10}) == y);
}

TEST_CASE("positions past the end clamp") {
  SourceBuffer b("a.flow", "ab\ncd");
  CHECK(b.offset_of(Utf16Position{0, 99}) == 2);
  CHECK(b.offset_of(Utf16Position{9, 0}) == 5);
}

TEST_CASE("UTF-8 validation finds the first bad byte") {
  uint32_t bad = 0;
  CHECK(is_valid_utf8("héllo", bad));
  CHECK_FALSE(is_valid_utf8(std::string_view("ab\xff", 3), bad));
  CHECK(bad == 2);
  CHECK_FALSE(is_valid_utf8(std::string_view("\xc0\x80", 2), bad));  // overlong
}

TEST_CASE("append_utf8 encodes every length and round-trips through validation") {
  std::string out;
  append_utf8(out, U'a');
  append_utf8(out, U'é');
  append_utf8(out, U'€');
  append_utf8(out, U'😀');
  CHECK(out == "aé€😀");
  uint32_t bad = 0;
  CHECK(is_valid_utf8(out, bad));
}

#include "compiler/diagnostics/render_detail.h"

#include <algorithm>

#include "compiler/source/source.h"

namespace flowc::render_detail {

std::optional<Located> locate(const SourceRange& range, const SourceManager& sources) {
  if (!range.valid() || range.file.index >= sources.size()) return std::nullopt;
  Located located;
  located.buffer = &sources.buffer(range.file);
  auto size = static_cast<uint32_t>(located.buffer->text().size());
  located.begin = std::min(range.begin, size);
  located.end = std::clamp(range.end, located.begin, size);
  located.start = located.buffer->line_col(located.begin);
  located.finish = located.buffer->line_col(located.end);
  located.start_utf16 = located.buffer->utf16_position(located.begin).character + 1;
  located.finish_utf16 = located.buffer->utf16_position(located.end).character + 1;
  return located;
}

std::string where_text(const Located& where) {
  return where.buffer->path() + ":" + std::to_string(where.start.line) + ":" +
         std::to_string(where.start.column);
}

namespace {

// Width 0: combining marks, zero-width spaces and joiners, variation selectors.
bool is_zero_width(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) || (cp >= 0x0591 && cp <= 0x05BD) ||
         (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
         cp == 0xFEFF || (cp >= 0xE0100 && cp <= 0xE01EF);
}

// Width 2: East Asian Wide and Fullwidth blocks and the emoji blocks. An
// approximation of wcwidth() that does not depend on the process locale.
bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
         (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x1F900 && cp <= 0x1F9FF) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F; }

// U+2400..U+241F stand for the C0 controls, U+2421 for DEL.
char32_t control_picture(char32_t cp) { return cp == 0x7F ? 0x2421 : 0x2400 + cp; }

// The C1 controls, U+0080..U+009F: U+009B is a CSI to some terminals, so
// each is shown as U+FFFD.
bool is_c1_control(char32_t cp) { return cp >= 0x80 && cp <= 0x9F; }

constexpr uint32_t kTabWidth = 4;  // rustc's choice: a tab is always 4 spaces

}  // namespace

uint32_t code_point_width(char32_t cp) {
  if (is_zero_width(cp)) return 0;
  return is_wide(cp) ? 2 : 1;
}

DisplayLine layout_line(std::string_view line) {
  DisplayLine out;
  out.column_of.resize(line.size() + 1);
  uint32_t column = 0;
  size_t i = 0;
  while (i < line.size()) {
    char32_t cp = 0;
    uint32_t len = decode_utf8(line, i, cp);
    uint32_t width = 1;
    if (len == 0) {
      // A malformed byte stands for itself: one replacement character each.
      len = 1;
      append_utf8(out.text, 0xFFFD);
    } else if (cp == '\t') {
      width = kTabWidth;
      out.text.append(kTabWidth, ' ');
    } else if (is_control(cp)) {
      // A raw control character would move the terminal's cursor.
      append_utf8(out.text, control_picture(cp));
    } else if (is_c1_control(cp)) {
      append_utf8(out.text, 0xFFFD);
    } else {
      width = code_point_width(cp);
      out.text.append(line.substr(i, len));
    }
    for (uint32_t k = 0; k < len; ++k) out.column_of[i + k] = column;
    column += width;
    i += len;
  }
  out.column_of[line.size()] = column;
  return out;
}

}  // namespace flowc::render_detail

namespace flowc {

std::string printable(std::string_view text, std::string_view kept) {
  using render_detail::control_picture;
  using render_detail::is_c1_control;
  using render_detail::is_control;
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    uint32_t len = decode_utf8(text, i, cp);
    if (len == 0) {
      len = 1;
      append_utf8(out, 0xFFFD);
    } else if (is_control(cp) && kept.find(static_cast<char>(cp)) == std::string_view::npos) {
      append_utf8(out, control_picture(cp));
    } else if (is_c1_control(cp)) {
      append_utf8(out, 0xFFFD);
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace flowc

#include "compiler/format/text_block.h"

#include <algorithm>

namespace flowc::format {

namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

std::string_view leading_whitespace(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && (s[n] == ' ' || s[n] == '\t')) ++n;
  return s.substr(0, n);
}

std::string_view common_prefix(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return a.substr(0, n);
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // as the parser reads it
    lines.emplace_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

}  // namespace

TextBlockLayout layout_text_block(std::string_view spelling) {
  TextBlockLayout layout;
  std::vector<std::string> raw = split_lines(spelling);
  bool well_formed = spelling.size() >= 6 && spelling.substr(0, 3) == "\"\"\"" &&
                     spelling.substr(spelling.size() - 3) == "\"\"\"";
  if (raw.size() < 2 || !well_formed) {
    layout.lines = std::move(raw);
    layout.verbatim = true;
    return layout;
  }
  std::string_view opening = std::string_view(raw.front()).substr(3);
  std::string_view closing = std::string_view(raw.back());
  closing.remove_suffix(3);
  // Content lines: those between the delimiters, plus the text before the
  // closing `"""` when it is more than indentation.
  std::vector<std::string_view> content;
  for (size_t i = 1; i + 1 < raw.size(); ++i) content.push_back(raw[i]);
  bool closing_has_text = !is_blank(closing);
  if (closing_has_text) content.push_back(closing);

  bool any = false;
  std::string_view prefix;
  for (std::string_view line : content) {
    if (is_blank(line)) continue;
    std::string_view ws = leading_whitespace(line);
    prefix = any ? common_prefix(prefix, ws) : ws;
    any = true;
  }
  auto strip = [&](std::string_view line) -> std::string {
    if (is_blank(line)) return {};
    return std::string(line.substr(prefix.size()));
  };
  layout.lines.emplace_back(is_blank(opening) ? std::string_view() : opening);
  for (size_t i = 1; i + 1 < raw.size(); ++i) layout.lines.push_back(strip(raw[i]));
  layout.lines.push_back(closing_has_text ? strip(closing) : std::string());
  return layout;
}

}  // namespace flowc::format

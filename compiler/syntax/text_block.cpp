#include "compiler/syntax/text_block.h"

#include <algorithm>
#include <string_view>

namespace flowc::syntax {
namespace {

struct LineStart {
  size_t part;
  size_t offset;  // in the part's text
  size_t ws_len;  // spaces/tabs at the start of the line
  bool blank;
};

size_t blanks_at(const std::string& s, size_t i) {
  size_t n = 0;
  while (i + n < s.size() && (s[i + n] == ' ' || s[i + n] == '\t')) ++n;
  return n;
}

}  // namespace

void dedent_text_block(std::vector<StringPart>& parts) {
  if (parts.empty()) return;
  // Rule 1.
  bool opening_line = true;
  if (!parts.front().is_interpolation) {
    std::string& first = parts.front().text;
    size_t ws = blanks_at(first, 0);
    if (ws < first.size() && first[ws] == '\n') {
      first.erase(0, ws + 1);
      opening_line = false;
    }
  }
  // Rule 2.
  if (!parts.back().is_interpolation) {
    std::string& last = parts.back().text;
    size_t nl = last.rfind('\n');
    if (nl != std::string::npos && blanks_at(last, nl + 1) == last.size() - nl - 1) last.erase(nl);
  }
  // Rule 3: find every line start, then the common indentation.
  std::vector<LineStart> starts;
  auto add_start = [&](size_t part, size_t offset) {
    const std::string& text = parts[part].text;
    size_t ws = blanks_at(text, offset);
    size_t end = offset + ws;
    bool blank = end == text.size() ? part + 1 == parts.size() : text[end] == '\n';
    starts.push_back({part, offset, ws, blank});
  };
  for (size_t p = 0; p < parts.size(); ++p) {
    if (parts[p].is_interpolation) continue;
    const std::string& text = parts[p].text;
    if (p == 0 && !opening_line) add_start(0, 0);
    for (size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1)) add_start(p, i + 1);
  }
  std::string_view common;
  bool any = false;
  for (const LineStart& s : starts) {
    if (s.blank) continue;
    std::string_view indent(parts[s.part].text.data() + s.offset, s.ws_len);
    if (!any) {
      common = indent;
      any = true;
      continue;
    }
    size_t n = 0;
    while (n < common.size() && n < indent.size() && common[n] == indent[n]) ++n;
    common = common.substr(0, n);
  }
  const size_t strip = common.size();
  // Rebuild the literal parts that have line starts.
  size_t k = 0;
  while (k < starts.size()) {
    size_t part = starts[k].part;
    const std::string& text = parts[part].text;
    std::string out;
    out.reserve(text.size());
    size_t copied = 0;
    for (; k < starts.size() && starts[k].part == part; ++k) {
      const LineStart& s = starts[k];
      out.append(text, copied, s.offset - copied);
      copied = s.offset + (s.blank ? s.ws_len : std::min(strip, s.ws_len));
    }
    out.append(text, copied, std::string::npos);
    parts[part].text = std::move(out);
  }
}

}  // namespace flowc::syntax

#include "runtime/materialize/error_position.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "runtime/materialize/sql_session.h"

namespace flowc::runtime::materialize_detail {

namespace {

/// Whether `text[i]` ends a line as libpq counts the lines of `LINE n:`: a
/// LF, or a CR that no LF follows (a lone CR is a line of its own).
bool ends_line(std::string_view text, size_t i) {
  return text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'));
}

uint32_t line_ends(std::string_view text) {
  uint32_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) n += ends_line(text, i) ? 1 : 0;
  return n;
}

}  // namespace

std::optional<std::pair<uint32_t, uint32_t>> error_line_column(std::string_view what, std::string_view text) {
  size_t at = what.find("\nLINE ");
  if (at == std::string_view::npos) return std::nullopt;
  size_t colon = what.find(": ", at);
  size_t end = what.find('\n', at + 1);
  if (colon == std::string_view::npos || end == std::string_view::npos || colon > end) return std::nullopt;
  uint32_t line = 0;
  for (size_t i = at + 6; i < colon; ++i) {
    if (what[i] < '0' || what[i] > '9') return std::nullopt;
    line = line * 10 + static_cast<uint32_t>(what[i] - '0');
  }
  size_t prefix = colon + 2 - (at + 1);  // "LINE n: "
  std::string_view shown = what.substr(colon + 2, end - colon - 2);
  size_t caret_end = what.find('\n', end + 1);
  std::string_view caret_line =
      what.substr(end + 1, caret_end == std::string_view::npos ? caret_end : caret_end - end - 1);
  size_t caret = caret_line.find('^');
  if (caret == std::string_view::npos || caret < prefix) return std::nullopt;
  size_t shown_column = caret - prefix;
  size_t cut = 0;
  if (shown.starts_with("...")) {
    shown.remove_prefix(3);
    cut = 3;
  }
  if (shown.ends_with("...")) shown.remove_suffix(3);
  // The real line, tabs shown as spaces like libpq does.
  std::string real;
  uint32_t current = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (ends_line(text, i)) {
      if (++current > line) break;
      continue;
    }
    if (current == line && c != '\r') real += c == '\t' ? ' ' : c;
  }
  size_t base = cut == 0 ? 0 : real.find(shown);
  if (base == std::string::npos || shown_column < cut) return std::nullopt;
  return std::pair{line, static_cast<uint32_t>(base + shown_column - cut + 1)};
}

std::string error_hint(std::string_view what) {
  size_t at = what.find("\nHINT:  ");
  if (at == std::string_view::npos) return "";
  std::string_view hint = what.substr(at + 8);
  return std::string(hint.substr(0, hint.find('\n')));
}

std::string sql_error_location(const plan::Task& task, std::string_view what, std::string_view sent) {
  if (task.select.sql.empty() || task.sql_origin.file.empty()) return "";
  std::optional<std::pair<uint32_t, uint32_t>> at = error_line_column(what, sent);
  if (!at) return "";
  // The task's SQL is sent as written, or stripped to nest in a write.
  std::string own = plan::strip_statement(task.select.sql);
  size_t start = sent.find(own);
  if (start == std::string_view::npos) return "";
  const uint32_t first = 1 + line_ends(sent.substr(0, start));
  const uint32_t last = first + line_ends(own);
  if (at->first < first || at->first > last) return "";
  const uint32_t line = at->first - first + 1;  // of the task's SQL
  const plan::Origin& origin = task.sql_origin;
  if (origin.file.ends_with(".sql")) return fmt::format("{}:{}", origin.file, origin.line + line - 1);
  return fmt::format("line {} of the SQL at {}:{}", line, origin.file, origin.line);
}

}  // namespace flowc::runtime::materialize_detail

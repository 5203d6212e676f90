// A lexer just deep enough for the checker's looks into SQL text (W0402's
// table names, E0308's writes): names and punctuation, with string literals
// and comments skipped. Not a parser: what it finds is what the words say.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace flowc::check {

struct SqlWord {
  size_t begin = 0, end = 0;  // offsets into the text
  /// A name: its parts joined by `.`, each plain (lower-cased, as PostgreSQL
  /// folds it) or double-quoted (as written, quotes removed). Otherwise the
  /// one character, or `'` for a whole string literal.
  std::string text;
  bool name = false;
  bool quoted = false;  // a name with a quoted part: never a keyword
};

/// Calls `word(w)` for every name and every other non-blank character of
/// `sql`, in order; comments (`--`, `/* */`) are skipped.
template <typename F>
void for_each_sql_word(std::string_view sql, F&& word) {
  auto ident_start = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  auto ident_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  size_t pos = 0;
  while (pos < sql.size()) {
    char c = sql[pos];
    if (c == '\'') {
      size_t close = sql.find(c, pos + 1);
      size_t end = close == std::string_view::npos ? sql.size() : close + 1;
      word(SqlWord{pos, end, "'", false, false});
      pos = end;
    } else if (sql.compare(pos, 2, "--") == 0) {
      size_t eol = sql.find('\n', pos);
      pos = eol == std::string_view::npos ? sql.size() : eol;
    } else if (sql.compare(pos, 2, "/*") == 0) {
      size_t close = sql.find("*/", pos + 2);
      pos = close == std::string_view::npos ? sql.size() : close + 2;
    } else if (ident_start(c) || c == '"') {
      SqlWord w{pos, pos, "", true, false};
      for (;;) {
        if (pos < sql.size() && sql[pos] == '"') {
          size_t close = sql.find('"', pos + 1);
          if (close == std::string_view::npos) close = sql.size();
          w.text += sql.substr(pos + 1, close - pos - 1);
          pos = std::min(close + 1, sql.size());
          w.quoted = true;
        } else {
          size_t part = pos;
          while (pos < sql.size() && ident_char(sql[pos])) ++pos;
          std::string plain(sql.substr(part, pos - part));
          std::transform(plain.begin(), plain.end(), plain.begin(),
                         [](unsigned char ch) { return std::tolower(ch); });
          w.text += plain;
        }
        if (pos + 1 < sql.size() && sql[pos] == '.' && (ident_start(sql[pos + 1]) || sql[pos + 1] == '"')) {
          w.text += '.';
          ++pos;
          continue;
        }
        break;
      }
      w.end = pos;
      word(w);
    } else {
      if (!std::isspace(static_cast<unsigned char>(c))) word(SqlWord{pos, pos + 1, std::string(1, c), false, false});
      ++pos;
    }
  }
}

}  // namespace flowc::check

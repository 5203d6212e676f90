// A lexer just deep enough for the looks into SQL text: the checker's
// (W0402's table names, E0308's writes, E0306's `${}` in comments and
// strings, E0310's second statements) and lowering's (where a statement
// ends): names and punctuation, with string literals and comments skipped.
// Not a parser: what it finds is what the words say.
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/ascii.h"

namespace flowc::sql {

/// PostgreSQL's folding of an unquoted name: ASCII letters lower-cased,
/// everything else kept (a quoted name is never folded). One rule for the
/// lexer's words, table keys (model::table_key) and the checker's reads.
inline std::string fold_identifier(std::string_view name) { return ascii_lower(name); }

/// A stretch of SQL text that runs on to a closing mark, perhaps past the
/// end of one piece of a template: a comment, a string literal, a quoted name.
struct SqlSpan {
  enum class Kind : uint8_t {
    Code,          // inside none
    LineComment,   // `--` to the end of the line (a LF or a CR)
    BlockComment,  // `/* */`, nested as PostgreSQL nests them
    String,        // `'...'` (`''` inside is a quote)
    EscapeString,  // `E'...'` (a backslash escapes the next character)
    DollarString,  // `$$...$$` or `$tag$...$tag$`
    QuotedName,    // `"..."`
  };
  Kind kind = Kind::Code;
  int depth = 0;    // BlockComment: how many are open
  std::string tag;  // DollarString: its `$tag$`, as written

  [[nodiscard]] bool comment() const { return kind == Kind::LineComment || kind == Kind::BlockComment; }
  [[nodiscard]] bool string() const {
    return kind == Kind::String || kind == Kind::EscapeString || kind == Kind::DollarString;
  }
};

namespace sql_detail {

inline bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
inline bool ident_char(char c) {
  return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

}  // namespace sql_detail

/// The span that opens at `sql[pos]` (Code when none does), and in
/// `length` how many characters its opening mark takes.
inline SqlSpan sql_span_opening_at(std::string_view sql, size_t pos, size_t& length) {
  using K = SqlSpan::Kind;
  std::string_view rest = sql.substr(pos);
  bool word_start = pos == 0 || !sql_detail::ident_char(sql[pos - 1]);
  SqlSpan open;
  auto opens = [&](K kind, size_t mark) {
    open.kind = kind;
    open.depth = kind == K::BlockComment ? 1 : 0;
    length = mark;
  };
  if (rest.starts_with("--"))
    opens(K::LineComment, 2);
  else if (rest.starts_with("/*"))
    opens(K::BlockComment, 2);
  else if (rest.starts_with('\''))
    opens(K::String, 1);
  else if (rest.starts_with('"'))
    opens(K::QuotedName, 1);
  else if (word_start && rest.size() >= 2 && (rest[0] == 'e' || rest[0] == 'E') && rest[1] == '\'')
    opens(K::EscapeString, 2);
  if (open.kind != K::Code) return open;
  if (word_start && rest.starts_with('$')) {
    // `$$` or `$tag$`; `$1` is a positional parameter, not a quote.
    size_t end = 1;
    if (end < rest.size() && sql_detail::ident_start(rest[end]))
      while (end < rest.size() && sql_detail::ident_char(rest[end]) && rest[end] != '$') ++end;
    if (end < rest.size() && rest[end] == '$') {
      length = end + 1;
      return {K::DollarString, 0, std::string(rest.substr(0, end + 1))};
    }
  }
  length = 0;
  return {};
}

/// Reads `open`'s text on from `sql[pos]`: the offset just after its closing
/// mark, or npos when it runs on past the end of `sql` (`open` then says
/// what is still open: a nested comment's depth changes).
inline size_t sql_span_end(std::string_view sql, size_t pos, SqlSpan& open) {
  using K = SqlSpan::Kind;
  switch (open.kind) {
    case K::Code: return pos;
    case K::LineComment: {
      // PostgreSQL ends it at a CR as well as at a LF: read to `\n` only, a
      // lone CR would hide from flowc what the server runs after it.
      size_t eol = sql.find_first_of("\r\n", pos);
      return eol;  // the line break is code again
    }
    case K::BlockComment:
      while (pos < sql.size()) {
        if (sql.compare(pos, 2, "/*") == 0) {
          ++open.depth;
          pos += 2;
        } else if (sql.compare(pos, 2, "*/") == 0) {
          pos += 2;
          if (--open.depth == 0) return pos;
        } else {
          ++pos;
        }
      }
      return std::string_view::npos;
    case K::String:
    case K::QuotedName: {
      // A doubled quote inside is one quote: reading it as a close and a
      // new open comes to the same.
      size_t close = sql.find(open.kind == K::String ? '\'' : '"', pos);
      return close == std::string_view::npos ? close : close + 1;
    }
    case K::EscapeString:
      for (; pos < sql.size(); ++pos) {
        if (sql[pos] == '\\')
          ++pos;
        else if (sql[pos] == '\'')
          return pos + 1;
      }
      return std::string_view::npos;
    case K::DollarString: {
      size_t close = sql.find(open.tag, pos);
      return close == std::string_view::npos ? close : close + open.tag.size();
    }
  }
  return pos;
}

/// The span the end of `sql` is inside of, when its start is inside `from`:
/// pieces of one template read in turn carry it from each to the next.
inline SqlSpan sql_span_after(std::string_view sql, SqlSpan from = {}) {
  size_t pos = 0;
  while (pos < sql.size()) {
    if (from.kind != SqlSpan::Kind::Code) {
      pos = sql_span_end(sql, pos, from);
      if (pos == std::string_view::npos) return from;
      from = {};
      continue;
    }
    size_t length = 0;
    SqlSpan open = sql_span_opening_at(sql, pos, length);
    if (open.kind != SqlSpan::Kind::Code) {
      from = std::move(open);
      pos += length;
    } else if (sql_detail::ident_start(sql[pos])) {
      // A name may hold `$` and `e'`-like letters: read it whole.
      while (pos < sql.size() && sql_detail::ident_char(sql[pos])) ++pos;
    } else {
      ++pos;
    }
  }
  return from;
}

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
/// `sql`, in order; comments (`--`, `/* */`) are skipped, and a string
/// literal (`'...'`, `E'...'`, `$$...$$`) is one word `'`.
template <typename F>
void for_each_sql_word(std::string_view sql, F&& word) {
  using sql_detail::ident_char;
  using sql_detail::ident_start;
  size_t pos = 0;
  while (pos < sql.size()) {
    char c = sql[pos];
    size_t length = 0;
    SqlSpan open = sql_span_opening_at(sql, pos, length);
    if (open.comment() || open.string()) {
      size_t end = sql_span_end(sql, pos + length, open);
      end = end == std::string_view::npos ? sql.size() : end;
      if (open.string()) word(SqlWord{pos, end, "'", false, false});
      pos = end;
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
          w.text += fold_identifier(sql.substr(part, pos - part));
        }
        // `schema.table`, also written `schema . table` (PostgreSQL takes
        // blanks around the dot).
        size_t dot = pos;
        while (dot < sql.size() && std::isspace(static_cast<unsigned char>(sql[dot]))) ++dot;
        if (dot < sql.size() && sql[dot] == '.') {
          size_t next = dot + 1;
          while (next < sql.size() && std::isspace(static_cast<unsigned char>(sql[next]))) ++next;
          if (next < sql.size() && (ident_start(sql[next]) || sql[next] == '"')) {
            w.text += '.';
            pos = next;
            continue;
          }
        }
        break;
      }
      w.end = pos;
      word(w);
    } else {
      if (!std::isspace(static_cast<unsigned char>(c)))
        word(SqlWord{pos, pos + 1, std::string(1, c), false, false});
      ++pos;
    }
  }
}

/// Where `word` stands in `text`, from `from` on, as a whole word: not part
/// of a longer name (`amount` in `sum(amount)`, not in `amounts`). An end of
/// `word` that is not a name character (`"raw"."x"`) is matched as written.
inline std::vector<size_t> whole_words(std::string_view text, std::string_view word, size_t from = 0) {
  auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  std::vector<size_t> found;
  if (word.empty()) return found;
  for (size_t at = text.find(word, from); at != std::string_view::npos; at = text.find(word, at + 1)) {
    bool starts = at == 0 || !name_char(text[at - 1]) || !name_char(word.front());
    bool ends =
        at + word.size() >= text.size() || !name_char(text[at + word.size()]) || !name_char(word.back());
    if (starts && ends) found.push_back(at);
  }
  return found;
}

/// `sql` without what follows its last word when that is only `;`s, blanks
/// and comments (`select 1; -- done`), so that the statement can be nested
/// in another (`insert ... select * from (<sql>)`) or followed by more
/// (`... with no data`); unchanged when only blanks follow.
inline std::string_view without_statement_end(std::string_view sql) {
  size_t end = 0;  // just after the last word that is not `;`
  for_each_sql_word(sql, [&](const SqlWord& w) {
    if (w.name || w.text != ";") end = w.end;
  });
  std::string_view rest = sql.substr(end);
  bool blank = std::all_of(rest.begin(), rest.end(),
                           [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  return blank ? sql : sql.substr(0, end);
}

/// The first word of a statement in `sql` that ends the transaction it runs
/// in: `commit`, `end`, `abort`, `rollback` (not `rollback to` a
/// savepoint), `prepare transaction`. Not the `end` that closes a
/// SQL-standard function body (`begin atomic select 1; end`).
inline std::optional<SqlWord> transaction_end(std::string_view sql) {
  std::optional<SqlWord> found, first;
  size_t words = 0;      // of the current statement
  size_t atomic = 0;     // `begin atomic` bodies open
  std::string previous;  // the last word, an unquoted name lower-cased
  auto judge = [&](const SqlWord* second) {
    if (!first || found) return;
    const std::string& w = first->text;
    if (w == "end" && atomic > 0) {
      --atomic;
      return;
    }
    std::string next = second && second->name && !second->quoted ? second->text : "";
    if (w == "commit" || w == "end" || w == "abort" || (w == "rollback" && next != "to") ||
        (w == "prepare" && next == "transaction"))
      found = first;
  };
  for_each_sql_word(sql, [&](const SqlWord& w) {
    if (w.name && !w.quoted && previous == "begin" && w.text == "atomic") ++atomic;
    previous = w.name && !w.quoted ? w.text : std::string();
    if (!w.name && w.text == ";") {
      if (words == 1) judge(nullptr);
      first.reset();
      words = 0;
      return;
    }
    if (words == 0 && w.name && !w.quoted) first = w;
    if (words == 1) judge(&w);
    ++words;
  });
  if (words == 1) judge(nullptr);
  return found;
}

}  // namespace flowc::sql

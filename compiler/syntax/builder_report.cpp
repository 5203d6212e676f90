// TreeBuilder: syntax diagnostics. Every message says what was expected; the
// range is the offending token (empty at the end of a line or of the file).
#include "compiler/syntax/builder.h"

#include <algorithm>
#include <cstdio>

#include "compiler/source/ascii.h"
#include "compiler/source/source.h"
#include "compiler/syntax/parse.h"

namespace flowc::syntax {
namespace {

/// A character a message shows: between backquotes, and a non-ASCII one also
/// by its code point, which says what an invisible one is (U+200B, a
/// zero-width space).
std::string shown_character(std::string_view c) {
  std::string out = "`" + std::string(c) + "`";
  char32_t code_point = 0;
  if (c.empty() || decode_utf8(c, 0, code_point) == 0 || code_point < 0x80) return out;
  char hex[16];
  std::snprintf(hex, sizeof hex, " (U+%04X)", static_cast<unsigned>(code_point));
  return out + hex;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Characters that can start (or be) a token, or separate tokens.
bool is_token_char(unsigned char c) {
  if (is_word_char(static_cast<char>(c))) return true;
  switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '"':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case '=':
    case '!':
    case '<':
    case '>':
    case '.':
    case ',':
    case ':':
    case '-':
    case '#': return true;
    default: return false;
  }
}

uint32_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

TreeBuilder::Found TreeBuilder::token_at(uint32_t at) const {
  Found f;
  const auto size = static_cast<uint32_t>(text_.size());
  if (at >= size) {
    f.eof = true;
    f.range = range(size, size);
    return f;
  }
  // Only blanks between the start of the line and `at`?
  uint32_t p = at;
  while (p > 0 && (text_[p - 1] == ' ' || text_[p - 1] == '\t')) --p;
  f.line_start = p == 0 || text_[p - 1] == '\n';
  char c = text_[at];
  if (c == '\n' || (c == '\r' && at + 1 < size && text_[at + 1] == '\n')) {
    // At the line end's start: the CRs before a `\n` (blanks to the
    // grammar, which stops at the `\n`) are part of it, and a column past
    // them is past the end of the line an editor shows.
    while (at > 0 && text_[at - 1] == '\r') --at;
    f.newline = true;
    f.range = range(at, at);
    return f;
  }
  uint32_t end = at + 1;
  if (is_word_char(c)) {
    while (end < size && is_word_char(text_[end])) ++end;
  } else if (!is_token_char(static_cast<unsigned char>(c))) {
    f.invalid = true;
    end = std::min(size, at + utf8_length(static_cast<unsigned char>(c)));
  }
  f.closer = c == ')' || c == ']' || c == '}';
  f.range = range(at, end);
  f.text = slice(at, end);
  return f;
}

std::string TreeBuilder::fill(const char* message) const {
  std::string out;
  for (const char* p = message; *p != '\0'; ++p) {
    if (*p == '{') {
      std::string_view rest(p);
      auto take = [&](std::string_view key, std::string_view value) {
        if (rest.substr(0, key.size()) != key) return false;
        out.append(value);
        p += key.size() - 1;
        return true;
      };
      std::string_view open = brackets_.empty() ? std::string_view() : brackets_.back().context;
      if (take("{name}", ctx_name_) || take("{kw}", ctx_kw_) || take("{fn}", ctx_fn_) ||
          take("{op}", ctx_op_) || take("{open}", open)) {
        continue;
      }
    }
    out += *p;
  }
  return out;
}

Diagnostic* TreeBuilder::emit(DiagKind kind, SourceRange where, std::string message) {
  if (!reported_.insert(where.begin).second) return nullptr;
  return &diagnostics_.report(kind, where, std::move(message));
}

void TreeBuilder::report_error(const grammar::ErrorPoint& point, uint32_t at) {
  using grammar::ErrorFlavor;
  Found found = token_at(at);
  DiagKind kind = point.kind;
  std::string message = fill(point.message);
  SourceRange where = found.range;
  DiagNote note;
  FixIt keyword;  // a misspelt keyword, written right
  std::string name_help;  // a keyword where a name is declared
  auto misspelt = [&](std::string_view word, SourceRange at, const std::vector<std::string_view>& keywords) {
    std::string_view near = closest_name(word, keywords);
    if (!near.empty()) keyword = {at, std::string(near), "did you mean `" + std::string(near) + "`?"};
  };
  switch (point.flavor) {
    case ErrorFlavor::Plain: break;
    case ErrorFlavor::Name:
      if (is_keyword(found.text)) {
        message += ", found the keyword `" + std::string(found.text) + "`";
        name_help = "`" + std::string(found.text) +
                    "` is a keyword of the language, which cannot be a name: choose another name";
      }
      break;
    case ErrorFlavor::Start:
      if (found.closer) {
        kind = DiagKind::UnexpectedClose;
        message = "unexpected `" + std::string(found.text) + "`: it closes nothing";
      } else if (brackets_.empty()) {  // a declaration
        misspelt(found.text, found.range, {"workflow", "target", "route", "legacy", "project", "extern"});
      }
      break;
    case ErrorFlavor::AttributeEq:
      misspelt(ctx_name_, pending_member_.name.range, {"task", "source", "environment", "param", "expect"});
      break;
    case ErrorFlavor::Close: {
      if (brackets_.empty()) break;
      const OpenBracket& open = brackets_.back();
      char expected = open.kind == '(' ? ')' : open.kind == '[' ? ']' : open.kind == '<' ? '>' : '}';
      bool wrong_closer = found.closer && found.text[0] != expected;
      if (found.eof || found.newline || wrong_closer || found.line_start) {
        if (kind == DiagKind::ExpectedSyntax) kind = DiagKind::UnclosedBracket;
        message = fill(point.unclosed);
      }
      uint32_t width = open.kind == '$' ? 2 : 1;
      note = DiagNote{range(open.at, open.at + width),
                      "`" + std::string(slice(open.at, open.at + width)) + "` opened here"};
      break;
    }
    case ErrorFlavor::Unterminated:
      if (!strings_.empty()) {
        const OpenString& open = strings_.back();
        where = open.text_block ? range(open.begin, open.begin + 3) : range(open.begin, at);
      }
      break;
    case ErrorFlavor::Interpolation:
      if (!found.eof && !found.newline && found.text == "}")
        message = "empty interpolation: write an expression inside `${}`";
      break;
  }
  if (found.invalid && point.flavor != ErrorFlavor::Unterminated) {
    kind = DiagKind::InvalidCharacter;
    message += ", found invalid character " + shown_character(found.text);
  }
  if (Diagnostic* d = emit(kind, where, std::move(message))) {
    if (note.range.valid()) d->notes.push_back(std::move(note));
    if (keyword.range.valid()) d->fixits.push_back(std::move(keyword));
    if (!name_help.empty()) d->helps.push_back(std::move(name_help));
    if (std::string help = kind == DiagKind::BadInterpolation ? literal_interpolation_help() : "";
        !help.empty())
      d->helps.push_back(std::move(help));
    add_operator_help(*d, found.text);
    add_name_character_help(*d, found);
    add_call_spacing_help(*d, found);
  }
}

void TreeBuilder::add_call_spacing_help(Diagnostic& d, const Found& found) const {
  if (found.text != "(") return;
  uint32_t at = found.range.begin;
  const uint32_t paren = at;
  while (at > 0 && (text_[at - 1] == ' ' || text_[at - 1] == '\t')) --at;
  if (at == paren || at == 0) return;
  const uint32_t name_end = at;
  while (at > 0 && is_ident_char(text_[at - 1])) --at;
  if (at == name_end || !is_ident_start(text_[at])) return;
  const std::string_view name = slice(at, name_end);
  if (is_keyword(name)) return;  // `x in (...)`: no call was meant
  d.helps.push_back("a call has its `(` right after the name: write `" + std::string(name) +
                    "(` without the blank");
}

void TreeBuilder::add_name_character_help(Diagnostic& d, const Found& found) const {
  if (!found.invalid || found.text.empty() || static_cast<unsigned char>(found.text[0]) < 0x80) return;
  const uint32_t at = found.range.begin;
  if (at == 0 || at > text_.size()) return;
  if (!is_ident_char(text_[at - 1])) return;
  d.helps.push_back(
      "a name is ASCII letters, digits and `_` (language.md §3.2); other text belongs in a string");
}

std::string TreeBuilder::literal_interpolation_help() const {
  // Only for a `${...}` closed on its line that is not an expression of
  // flowc's (`${X:-y}`, `${X#y}`): one left open is a typo of flowc's own.
  if (brackets_.empty() || brackets_.back().kind != '$') return "";
  const size_t open = brackets_.back().at;
  const size_t line_end = std::min(text_.find('\n', open), text_.size());
  const size_t close = text_.find('}', open);
  if (close == std::string_view::npos || close > line_end) return "";
  return "a literal `${` (the shell's, say) is written `$${` (`$" +
         std::string(text_.substr(open, close + 1 - open)) + "`)";
}

void TreeBuilder::report_too_deep(uint32_t at) {
  emit(DiagKind::ExpectedSyntax, token_at(at).range,
       "nesting is too deep: more than " + std::to_string(kMaxNesting) +
           " levels of brackets, blocks or `not`");
}

void TreeBuilder::report_junk(uint32_t begin, uint32_t end) {
  skipped_to_end_ = skipped_to_end_ || end == text_.size();
  Found found = token_at(begin);
  if (found.closer) {
    emit(DiagKind::UnexpectedClose, found.range,
         "unexpected `" + std::string(found.text) + "`: it closes nothing");
    return;
  }
  std::string what = last_member_kind_ == nullptr ? "this line" : last_member_kind_;
  if (size_t hole = what.find("{}"); hole != std::string::npos) what.replace(hole, 2, last_member_name_);
  std::string message = "expected a newline after " + what;
  Diagnostic* d = found.invalid ? emit(DiagKind::InvalidCharacter, found.range,
                                       message + ", found invalid character " + shown_character(found.text))
                                : emit(DiagKind::ExpectedSyntax, found.range, std::move(message));
  if (d != nullptr) {
    add_operator_help(*d, found.text);
    add_name_character_help(*d, found);
    add_call_spacing_help(*d, found);
  }
}

void TreeBuilder::add_operator_help(Diagnostic& d, std::string_view found) const {
  // Operators of SQL and C that a data engineer writes by habit.
  std::string_view rest = text_.substr(static_cast<size_t>(d.range.begin));
  // `<>` is reported at its `>`, as what follows `<`.
  if (found == ">" && d.range.begin > 0 && text_[d.range.begin - 1] == '<')
    rest = text_.substr(d.range.begin - 1);
  // `=` where `==` was meant follows a value (`row_count() = 5`); after a
  // `:` or an operator nothing was compared (`param m: = 3` lacks its type).
  size_t before = static_cast<size_t>(d.range.begin);
  while (before > 0 && (text_[before - 1] == ' ' || text_[before - 1] == '\t')) --before;
  const bool after_value =
      before > 0 && std::string_view(":=(,{[<>!+").find(text_[before - 1]) == std::string_view::npos;
  const char* help = rest.starts_with("&&") || found == "&"    ? "write `and` (flowc's conjunction)"
                     : rest.starts_with("||") || found == "|"  ? "write `or` (flowc's disjunction)"
                     : rest.starts_with("<>")                  ? "write `!=` for \"not equal\""
                     : found == "!" && !rest.starts_with("!=") ? "write `not` (flowc's negation)"
                     // Not in a type (`list<int = 3`): nothing was compared there.
                     : found == "=" && !rest.starts_with("==") && after_value &&
                             d.message.find("type argument") == std::string::npos
                         ? "compare with `==`; a single `=` sets an attribute"
                     : rest.size() > 1 && rest[0] == '-' && rest[1] >= '0' && rest[1] <= '9'
                         ? "the language has no negative numbers (no unary minus): a check that needs one is "
                           "written in `sql(\"...\")`, a param's negative value is given with `--param`"
                         : nullptr;
  if (help != nullptr && std::find(d.helps.begin(), d.helps.end(), help) == d.helps.end())
    d.helps.push_back(help);
}

}  // namespace flowc::syntax
